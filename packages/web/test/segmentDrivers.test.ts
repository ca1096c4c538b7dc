import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Segment } from '../src/api/types.ts';
import DriversChart from '../src/features/segments/DriversChart.tsx';
import { DIRECTION_COLOURS, driversOption } from '../src/features/segments/driversOption.ts';
import { initI18n, type Language } from '../src/i18n/index.ts';

const drivers: Segment['drivers'] = [
  { feature: 'SUM_DATOS_MB', importance: 0.31234, direction: 'lower' },
  { feature: 'SUM_ESC_ROAMING_SALIENTE_VOZ', importance: 1.98765, direction: 'higher' },
  { feature: 'EDAD', importance: 0.05, direction: 'higher' },
];
const labels = { importance: 'mean |SHAP|', higher: 'higher', lower: 'lower' };

interface Series {
  name: string;
  type: string;
  stack: string;
  itemStyle: { color: string };
  data: (number | null)[];
}

describe("a segment's SHAP drivers as a horizontal bar chart", () => {
  it('puts the largest mean |SHAP| on top, one bar per feature, coloured by direction', () => {
    const option = driversOption(drivers, labels) as {
      yAxis: { type: string; data: string[]; inverse: boolean };
      xAxis: { type: string; name: string };
      series: Series[];
    };
    expect(option.yAxis).toMatchObject({ type: 'category', inverse: true });
    expect(option.yAxis.data).toEqual(['SUM_ESC_ROAMING_SALIENTE_VOZ', 'SUM_DATOS_MB', 'EDAD']);
    expect(option.xAxis).toMatchObject({ type: 'value', name: 'mean |SHAP|' });
    const [higher, lower] = option.series;
    expect(higher).toMatchObject({ name: 'higher', type: 'bar', stack: 'drivers' });
    expect(higher!.itemStyle.color).toBe(DIRECTION_COLOURS.higher);
    expect(higher!.data).toEqual([1.99, null, 0.05]);
    expect(lower!.data).toEqual([null, 0.312, null]);
    // Each feature has exactly one bar.
    for (let i = 0; i < 3; i++)
      expect([higher!.data[i], lower!.data[i]].filter((v) => v !== null)).toHaveLength(1);
  });

  it('keeps the top eight', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      feature: `f${i}`,
      importance: i,
      direction: 'higher' as const,
    }));
    const option = driversOption(many, labels) as { yAxis: { data: string[] } };
    expect(option.yAxis.data).toEqual(['f11', 'f10', 'f9', 'f8', 'f7', 'f6', 'f5', 'f4']);
    expect(driversOption([], labels)).toMatchObject({ yAxis: { data: [] } });
  });

  it('says the drivers in words for screen readers, in three languages', () => {
    const render = (language: Language) =>
      renderToString(
        createElement(
          I18nextProvider,
          { i18n: initI18n(language) },
          createElement(MantineProvider, null, createElement(DriversChart, { drivers })),
        ),
      );
    expect(render('en')).toContain(
      'aria-label="What sets it apart: SUM_DATOS_MB (lower), SUM_ESC_ROAMING_SALIENTE_VOZ (higher), EDAD (higher)"',
    );
    expect(render('es')).toContain('SUM_DATOS_MB (más bajo)');
    expect(render('pt')).toMatch(/role="img"/);
  });
});
