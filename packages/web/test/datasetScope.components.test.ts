/**
 * DatasetScope, the block the pages over one dataset share: the datasets loading, their error with
 * a retry, "no data yet", else the picker then the page's content, rendered to HTML in each
 * language (react-dom/server), and the retry wired to the datasets' reload.
 */
import { createElement, type ReactElement, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/api/client.ts';
import type { Dataset } from '../src/api/types.ts';
import { DatasetScope } from '../src/features/datasets/DatasetScope.tsx';
import { ErrorState } from '../src/ui/States.tsx';
import type { Loadable } from '../src/ui/useApi.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

const telco = { id: 'ds-telco', name: 'Telco customers' } as Dataset;
const retail = { id: 'ds-retail', name: 'Retail customers' } as Dataset;

type Datasets = Loadable<Dataset[]> & { reload: () => void };
function scope(
  datasets: Loadable<Dataset[]>,
  selected: Dataset | null,
  children: ReactNode | ((dataset: Dataset) => ReactNode),
  reload: () => void = () => {},
  select: (id: string) => void = () => {},
) {
  const props = { datasets: { ...datasets, reload } as Datasets, selected, select, children };
  return { props, element: createElement(DatasetScope, props) };
}
const content = (dataset: Dataset) =>
  createElement('div', { 'data-testid': 'page-content' }, `content of ${dataset.name}`);

describe('DatasetScope', () => {
  it('while the datasets load: the loader, no picker, no content', () => {
    const render_ = vi.fn(content);
    const html = render(scope({ state: 'loading' }, null, render_).element);
    expect(html).toContain('role="status"');
    expect(text(html)).toContain('Loading…');
    expect(html).not.toContain('dataset-picker');
    expect(html).not.toContain('page-content');
    expect(render_).not.toHaveBeenCalled();
    expect(text(render(scope({ state: 'loading' }, null, render_).element, 'es'))).toContain('Cargando');
  });

  it('an error: its message and a retry that reloads the datasets', () => {
    const reload = vi.fn();
    const render_ = vi.fn(content);
    const error = new ApiError(500, 'INTERNAL', 'The store did not answer');
    const { props, element } = scope({ state: 'error', error }, null, render_, reload);
    const html = render(element);
    expect(html).toContain('data-testid="error-state"');
    expect(text(html)).toContain('The store did not answer');
    expect(text(html)).toContain('Try again');
    expect(html).not.toContain('dataset-picker');
    expect(render_).not.toHaveBeenCalled();
    // The button's handler is the datasets' reload.
    const shown = DatasetScope(props) as ReactElement<{ error: ApiError; onRetry?: () => void }>;
    expect(shown.type).toBe(ErrorState);
    expect(shown.props.error).toBe(error);
    shown.props.onRetry?.();
    expect(reload).toHaveBeenCalledTimes(1);
    // A 403 says "not allowed" and offers no retry (ErrorState's rule, kept).
    const forbidden = render(
      scope({ state: 'error', error: new ApiError(403, 'FORBIDDEN', 'no') }, null, render_).element,
    );
    expect(text(forbidden)).not.toContain('Try again');
  });

  it('no dataset yet: "no data yet" with the hint, in each language, no picker, no content', () => {
    const render_ = vi.fn(content);
    const { element } = scope({ state: 'ready', data: [] }, null, render_);
    const en = render(element, 'en');
    expect(en).toContain('data-testid="empty-state"');
    expect(text(en)).toContain('No data yet');
    expect(text(en)).toContain('Upload a customer file on the Data page to get started.');
    expect(en).not.toContain('dataset-picker');
    expect(en).not.toContain('page-content');
    expect(render_).not.toHaveBeenCalled();
    const es = text(render(element, 'es'));
    expect(es).toContain('Todavía no hay datos');
    expect(es).toContain('Sube un archivo de clientes en la página Datos para empezar.');
    const pt = text(render(element, 'pt'));
    expect(pt).toContain('Ainda não há dados');
    expect(pt).toContain('Envie um arquivo de clientes na página Dados para começar.');
  });

  it('datasets: the picker with the selected one, then the content of the selected dataset', () => {
    const render_ = vi.fn(content);
    const html = render(scope({ state: 'ready', data: [telco, retail] }, retail, render_).element);
    expect(html).toContain('data-testid="dataset-picker"');
    expect(html).toMatch(/value="Retail customers"/);
    expect(text(html)).toContain('Dataset');
    expect(text(html)).toContain('content of Retail customers');
    expect(render_).toHaveBeenCalledWith(retail);
    // The picker comes first in the page, so Tab reaches it before the content.
    expect(html.indexOf('dataset-picker')).toBeLessThan(html.indexOf('page-content'));
    expect(html).not.toContain('data-testid="empty-state"');
    expect(html).not.toContain('role="status"');
  });

  it('children may be a plain node; the picker hands the choice to select', () => {
    const select = vi.fn();
    const node = createElement('p', { 'data-testid': 'page-content' }, 'plain content');
    const { props, element } = scope({ state: 'ready', data: [telco] }, telco, node, () => {}, select);
    const html = render(element);
    expect(html).toContain('data-testid="dataset-picker"');
    expect(text(html)).toContain('plain content');
    const shown = DatasetScope(props) as ReactElement<{ children: ReactElement[] }>;
    const picker = shown.props.children[0] as ReactElement<{ onSelect: (id: string) => void }>;
    picker.props.onSelect('ds-telco');
    expect(select).toHaveBeenCalledWith('ds-telco');
  });

  it('a list without a selected dataset (never so with useDatasets) shows no content', () => {
    const render_ = vi.fn(content);
    const html = render(scope({ state: 'ready', data: [telco] }, null, render_).element);
    expect(html).not.toContain('page-content');
    expect(render_).not.toHaveBeenCalled();
  });
});
