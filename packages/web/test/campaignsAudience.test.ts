import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AudiencePreview, previewAudience } from '../src/api/campaigns.ts';
import { ApiError, setCsrfToken } from '../src/api/client.ts';
import type { Dataset, Segment } from '../src/api/types.ts';
import { AudienceBuilder } from '../src/features/campaigns/AudienceBuilder.tsx';
import { AudienceSummary } from '../src/features/campaigns/AudienceSummary.tsx';
import { type AudienceForm, EMPTY_AUDIENCE, toFilter } from '../src/features/campaigns/audienceFilter.ts';
import { debouncedLoader } from '../src/features/campaigns/debouncedLoader.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

const dataset: Pick<Dataset, 'columns'> = {
  columns: [
    { name: 'IMEI', type: 'VARCHAR', role: 'id' },
    { name: 'EDAD', type: 'BIGINT', role: 'numeric' },
    { name: 'SALDO_PROMEDIO', type: 'DOUBLE', role: 'numeric' },
    { name: 'REGION', type: 'VARCHAR', role: 'categorical' },
  ],
};

function preview(count: number): AudiencePreview {
  return {
    count,
    optedOut: 1234,
    missingContact: 56,
    preview: [
      {
        customerId: 'C-001',
        name: 'Ana Lima',
        segment: 2,
        segmentName: 'Global communicators',
        riskTier: 'High',
        churnProbability: 0.625,
        insider: true,
        store: 'Centro',
        location: 'Lima, Lima',
      },
    ],
  };
}

describe('toFilter: the audience form as the API filter', () => {
  it('leaves an untouched form empty: every customer', () => {
    expect(toFilter(EMPTY_AUDIENCE, dataset)).toEqual({});
  });

  it('sends segment ids as numbers, Insiders as a boolean, numbers for numeric columns, lists for "in"', () => {
    const form: AudienceForm = {
      segments: ['0', '3'],
      riskTiers: ['High', 'Critical'],
      stores: ['Centro'],
      locations: ['Lima, Lima'],
      insiders: 'none',
      fields: [
        { field: 'EDAD', op: 'ge', value: ' 30 ' },
        { field: 'REGION', op: 'in', value: 'Lima, Cusco ,' },
        { field: 'SALDO_PROMEDIO', op: 'in', value: '1.5, 2' },
        { field: 'REGION', op: 'eq', value: '' },
        { field: 'EDAD', op: 'lt', value: 'old' },
      ],
    };
    expect(toFilter(form, dataset)).toEqual({
      segments: [0, 3],
      riskTiers: ['High', 'Critical'],
      stores: ['Centro'],
      locations: ['Lima, Lima'],
      insiders: false,
      fields: [
        { field: 'EDAD', op: 'ge', value: 30 },
        { field: 'REGION', op: 'in', value: ['Lima', 'Cusco'] },
        { field: 'SALDO_PROMEDIO', op: 'in', value: [1.5, 2] },
      ],
    });
    expect(toFilter({ ...EMPTY_AUDIENCE, insiders: 'only' }, dataset)).toEqual({ insiders: true });
  });
});

describe('the live count: debounced POST /api/audiences/preview through the api layer', () => {
  const calls: { url: string; init: RequestInit }[] = [];
  let answers: ((init: RequestInit) => Promise<Response>)[] = [];

  beforeEach(() => {
    vi.useFakeTimers();
    calls.length = 0;
    answers = [];
    setCsrfToken('csrf-1');
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      calls.push({ url, init });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected fetch ${url}`);
      return answer(init);
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  const json =
    (body: unknown, status = 200) =>
    async () =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  function loader() {
    const seen: { done: AudiencePreview[]; failed: unknown[]; loading: number } = {
      done: [],
      failed: [],
      loading: 0,
    };
    const l = debouncedLoader(
      (filter: AudienceForm, signal: AbortSignal) =>
        previewAudience({ datasetId: 'd1', channel: 'email', filter: toFilter(filter, dataset) }, signal),
      300,
      {
        loading: () => seen.loading++,
        done: (v) => seen.done.push(v),
        failed: (e) => seen.failed.push(e),
      },
    );
    return { l, seen };
  }

  it('asks once for a burst of changes, with the last filter, and shows the counts it answers', async () => {
    answers.push(json(preview(12345)));
    const { l, seen } = loader();
    l.request({ ...EMPTY_AUDIENCE, riskTiers: ['High'] });
    await vi.advanceTimersByTimeAsync(100);
    l.request({ ...EMPTY_AUDIENCE, riskTiers: ['High', 'Critical'] });
    await vi.advanceTimersByTimeAsync(100);
    l.request({ ...EMPTY_AUDIENCE, riskTiers: ['High', 'Critical'], insiders: 'only' });
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/audiences/preview');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>)['x-clientele-csrf']).toBe('csrf-1');
    expect(JSON.parse(calls[0]!.init.body as string)).toEqual({
      datasetId: 'd1',
      channel: 'email',
      filter: { riskTiers: ['High', 'Critical'], insiders: true },
    });
    expect(seen.done).toHaveLength(1);

    const en = text(render(createElement(AudienceSummary, { preview: seen.done[0]!, locale: 'en' }), 'en'));
    expect(en).toContain('Customers who will be reached 12,345');
    expect(en).toContain('Left out: opted out 1,234');
    expect(en).toContain('Left out: no contact for this channel 56');
    expect(en).toContain('Ana Lima');
    expect(en).toContain('Global communicators');
    expect(en).toContain('62.5%');
    const es = text(render(createElement(AudienceSummary, { preview: seen.done[0]!, locale: 'es' }), 'es'));
    expect(es).toContain('Clientes a los que se llegará 12.345');
    expect(es).toContain('Excluidos: se dieron de baja 1234');
    expect(es).toMatch(/62,5\s?%/);
    expect(es).toContain('Alto');
  });

  it('drops an answer that arrives after the filter changed', async () => {
    let releaseFirst: (r: Response) => void = () => {};
    // The first answer arrives even though its request was aborted (it was already on its way).
    answers.push(
      () =>
        new Promise((resolve) => {
          releaseFirst = resolve;
        }),
    );
    answers.push(json(preview(7)));
    const { l, seen } = loader();
    l.request({ ...EMPTY_AUDIENCE, stores: ['A'] });
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(1);
    l.request({ ...EMPTY_AUDIENCE, stores: ['B'] });
    expect((calls[0]!.init.signal as AbortSignal).aborted).toBe(true);
    releaseFirst(new Response(JSON.stringify(preview(999)), { status: 200 }));
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(2);
    expect(seen.done.map((p) => p.count)).toEqual([7]);
    expect(seen.failed).toEqual([]);
  });

  it('reports the server’s error with its code', async () => {
    answers.push(json({ error: { code: 'NO_RESULTS', message: 'This dataset has no published run.' } }, 409));
    const { l, seen } = loader();
    l.request(EMPTY_AUDIENCE);
    await vi.advanceTimersByTimeAsync(300);
    expect(seen.done).toEqual([]);
    expect(seen.failed).toHaveLength(1);
    const err = seen.failed[0] as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.code).toBe('NO_RESULTS');
  });
});

describe('AudienceSummary and AudienceBuilder', () => {
  it('says so when nobody matches', () => {
    const html = text(
      render(createElement(AudienceSummary, { preview: { ...preview(0), preview: [] }, locale: 'en' }), 'en'),
    );
    expect(html).toContain('Nobody matches');
    expect(html).not.toContain('Ana Lima');
  });

  it('labels every input, and names segments as teams do', () => {
    const segments = [
      {
        id: 2,
        name: 'Roaming fans',
        names: [
          { teamId: 't1', team: 'Marketing', name: 'Roaming fans', description: '' },
          { teamId: 't2', team: 'Support', name: 'Travellers', description: '' },
        ],
      },
    ] as Segment[];
    const html = render(
      createElement(AudienceBuilder, {
        dataset: { ...dataset, id: 'd1' } as Dataset,
        segments,
        storeOptions: ['Centro'],
        locationOptions: [],
        form: { ...EMPTY_AUDIENCE, segments: ['2'], fields: [{ field: 'EDAD', op: 'ge', value: '30' }] },
        onChange: () => {},
      }),
      'pt',
    );
    const ids = [...html.matchAll(/<input[^>]*\sid="([^"]+)"/g)].map((m) => m[1]!);
    const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]!));
    const visible = [...html.matchAll(/<input([^>]*)>/g)].filter((m) => !/type="hidden"/.test(m[1]!));
    expect(visible.length).toBeGreaterThan(5);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const tag = html.match(new RegExp(`<input[^>]*\\sid="${id}"[^>]*>`))![0];
      if (/type="hidden"|aria-hidden="true"/.test(tag)) continue;
      expect(labelled.has(id) || /aria-label(ledby)?=/.test(tag), `input ${id} has a label`).toBe(true);
    }
    const words = text(html);
    expect(words).toContain('Segmentos');
    expect(words).toContain('Níveis de risco de abandono');
    expect(words).toContain('Roaming fans');
    expect(words).toContain('Adicionar um filtro por campo');
  });
});
