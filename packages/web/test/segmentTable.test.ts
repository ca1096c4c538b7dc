import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Segment } from '../src/api/types.ts';
import { SegmentTable } from '../src/features/segments/SegmentTable.tsx';
import { initI18n, type Language } from '../src/i18n/index.ts';

function segment(id: number, over: Partial<Segment> = {}): Segment {
  return {
    id,
    name: `Segment ${id}`,
    description: '',
    suggested: { name: `Segment ${id}`, description: '' },
    names: [],
    size: 1234,
    share: 0.25,
    revenueShare: 0.5,
    churn: { meanProbability: 0.2, tiers: { Low: 1000, Moderate: 200, High: 30, Critical: 4 } },
    drivers: [],
    ...over,
  };
}

function render(segments: Segment[], language: Language, extra: Record<string, unknown> = {}): string {
  const i18n = initI18n(language);
  return renderToString(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(
        MantineProvider,
        null,
        createElement(SegmentTable, { segments, locale: language, ...extra }),
      ),
    ),
  );
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('SegmentTable', () => {
  it('shows each segment with its size, share, tier counts and revenue share in the locale', () => {
    const html = text(
      render([segment(0, { name: 'Prodigious rechargers', description: 'Top up often' })], 'en'),
    );
    expect(html).toContain('Prodigious rechargers');
    expect(html).toContain('Top up often');
    expect(html).toMatch(/Low Moderate High Critical/);
    expect(html).toContain('1,234');
    expect(html).toContain('25%');
    expect(html).toContain('50%');
    expect(html).toMatch(/1,000 200 30 4/);
  });

  it('speaks Spanish and Portuguese: headers and number formats', () => {
    const es = text(render([segment(0, { size: 12345 })], 'es'));
    expect(es).toContain('Crítico');
    expect(es).toContain('Proporción de ingresos');
    expect(es).toContain('12.345');
    expect(es).toMatch(/25\s?%/);
    const pt = text(render([segment(0, { size: 12345 })], 'pt'));
    expect(pt).toContain('Participação na receita');
    expect(pt).toContain('12.345');
  });

  it('leaves out the tier columns without churn, and shows a dash for a missing revenue share', () => {
    const html = text(render([segment(1, { churn: null, revenueShare: null })], 'en'));
    expect(html).not.toContain('Critical');
    expect(html).toContain('—');
  });

  it('adds rename buttons, disabled with the reason when the role may not rename', () => {
    const allowed = render([segment(0)], 'en', { onRename: () => {} });
    expect(allowed).toContain('Rename');
    expect(allowed).not.toContain('disabled');
    const refused = render([segment(0)], 'en', { onRename: () => {}, mayRename: false });
    expect(refused).toContain('disabled');
    expect(refused).toContain('Your role may not rename segments.');
    expect(render([segment(0)], 'en')).not.toContain('Rename');
  });
});
