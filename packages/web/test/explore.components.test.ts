import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { firstQuery } from '../src/features/explore/ExplorePage.tsx';
import { cellText, ResultTable } from '../src/features/explore/ResultTable.tsx';
import { SchemaPanel } from '../src/features/explore/SchemaPanel.tsx';
import { isRunShortcut } from '../src/features/explore/SqlConsole.tsx';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

describe('ask the data, pieces', () => {
  it('Ctrl+Enter and Cmd+Enter run; Enter alone is a new line', () => {
    expect(isRunShortcut({ key: 'Enter', ctrlKey: true, metaKey: false })).toBe(true);
    expect(isRunShortcut({ key: 'Enter', ctrlKey: false, metaKey: true })).toBe(true);
    expect(isRunShortcut({ key: 'Enter', ctrlKey: false, metaKey: false })).toBe(false);
    expect(isRunShortcut({ key: 'a', ctrlKey: true, metaKey: false })).toBe(false);
  });

  it('the first statement reads the first table; none without tables', () => {
    expect(firstQuery([{ name: 'segments' }, { name: 'scores' }])).toBe('SELECT *\nFROM segments\nLIMIT 20');
    expect(firstQuery([])).toBe('');
  });

  it('cells: numbers in the locale, null as a dash', () => {
    expect(cellText('es', 1234.5)).toBe('1234,5');
    expect(cellText('en', 1234.5)).toBe('1,234.5');
    expect(cellText('en', null)).toBe('—');
    expect(cellText('en', { a: 1 })).toBe('{"a":1}');
  });

  it('a result table says when rows were cut, in each language', () => {
    const table = createElement(ResultTable, {
      columns: [
        { name: 'segment', type: 'INTEGER' },
        { name: 'customers', type: 'BIGINT' },
      ],
      rows: [
        [0, 1200],
        [1, 800],
      ],
      truncated: true,
    });
    expect(text(render(table, 'en'))).toContain('The first 2 rows; there are more.');
    expect(text(render(table, 'es'))).toContain('Las primeras 2 filas; hay más.');
    expect(text(render(table, 'pt'))).toContain('As primeiras 2 linhas; há mais.');
    expect(text(render(table, 'en'))).toContain('1,200');
  });

  it('the schema lists tables, columns, types and meanings', () => {
    const html = text(
      render(
        createElement(SchemaPanel, {
          tables: [
            {
              name: 'scores',
              description: 'one row per customer',
              rows: 1500,
              columns: [{ name: 'churn_probability', type: 'DOUBLE', description: 'the chance to leave' }],
            },
          ],
        }),
        'pt',
      ),
    );
    expect(html).toContain('Tabelas');
    expect(html).toContain('scores');
    expect(html).toContain('1.500 linhas');
    expect(html).toContain('churn_probability');
    expect(html).toContain('DOUBLE — the chance to leave');
  });
});
