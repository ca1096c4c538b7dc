import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type Campaign,
  type CampaignEffect,
  type CampaignResults,
  type ChannelSettings,
  importOutcomes,
  listCampaigns,
  listOutbox,
} from '../src/api/campaigns.ts';
import type { Action, Me } from '../src/api/types.ts';
import { Layout } from '../src/app/Layout.tsx';
import { SessionContext } from '../src/app/session.ts';
import { CampaignNotice, campaignSegmentsUrl } from '../src/features/campaigns/CampaignPage.tsx';
import { CampaignTable } from '../src/features/campaigns/CampaignTable.tsx';
import { SecretsUnreadable } from '../src/features/campaigns/ChannelSettingsPage.tsx';
import { CopyProblems, WriterNote } from '../src/features/campaigns/CopyProblems.tsx';
import { FilterSummary } from '../src/features/campaigns/FilterSummary.tsx';
import { storeOptions } from '../src/features/campaigns/groupOptions.ts';
import { ResultsView } from '../src/features/campaigns/ResultsView.tsx';
import { ChannelNotice, recipients } from '../src/features/campaigns/SendPanel.tsx';
import { ContributionTable } from '../src/features/home/Contributions.tsx';
import type { Report } from '../src/features/results/types.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

function campaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c-1',
    name: 'Roaming Americas',
    datasetId: 'd1',
    runId: 'r1',
    channel: 'whatsapp',
    status: 'sent',
    filter: {},
    subject: null,
    body: 'Hola {first_name}! Responde STOP para no recibir más.',
    author: { id: 'u1', name: 'Mia Marketing' },
    team: { id: 't1', name: 'Marketing' },
    language: 'es',
    createdAt: '2026-03-04T10:00:00.000Z',
    queuedAt: '2026-03-04T10:04:00.000Z',
    sentAt: '2026-03-04T10:05:00.000Z',
    holdoutShare: 0.1,
    seed: 42,
    outcomeWindowDays: 30,
    outcomeDueAt: '2026-04-03T10:05:00.000Z',
    provider: 'outbox',
    notice: 'WhatsApp is not configured: the messages went to the outbox.',
    optedOut: 3,
    missingContact: 4,
    counts: {
      audience: 12000,
      heldOut: 1200,
      queued: 0,
      sent: 10750,
      delivered: 9876,
      failed: 50,
      uncertain: 3,
    },
    ...over,
  };
}

function effect(over: {
  uplift: number | null;
  treated?: number;
  control?: number;
  helped?: number | null;
}): CampaignEffect {
  const arm = (n: number, rate: number | null) => ({
    customers: n,
    withOutcome: n,
    churned: rate === null ? 0 : Math.round(n * rate),
    churnRate: rate,
    withRevenue: 0,
    meanRevenue: null,
  });
  return {
    treated: arm(over.treated ?? 900, 0.2),
    control: arm(over.control ?? 100, over.uplift === null ? null : 0.2 + over.uplift),
    churn: {
      uplift: over.uplift,
      confidenceInterval: over.uplift === null ? null : [over.uplift - 0.05, over.uplift + 0.05],
      pValue: 0.01,
      probabilityHelped: over.helped === undefined ? 0.97 : over.helped,
      reason: over.uplift === null ? 'no held-out customer has an outcome' : null,
    },
    revenue: { difference: null, confidenceInterval: null, pValue: null, reason: 'no revenue' },
  };
}

function results(over: Partial<CampaignResults> = {}): CampaignResults {
  return {
    overall: effect({ uplift: 0.062 }),
    byTier: {
      High: effect({ uplift: 0.1 }),
      Critical: effect({ uplift: 0.15, helped: 0.99 }),
      none: effect({ uplift: null }),
    },
    bySegment: { '2': effect({ uplift: 0.08 }), '3': effect({ uplift: -0.01, helped: 0.4 }) },
    missingOutcomes: { treated: 10, control: 2 },
    unmatchedOutcomes: 0,
    confidence: 0.95,
    ...over,
  };
}

describe('CampaignTable', () => {
  it('shows name, author, team, channel, date, status and every count, in the locale', () => {
    const en = text(render(createElement(CampaignTable, { campaigns: [campaign()], locale: 'en' }), 'en'));
    expect(en).toMatch(/Name Author Team Channel Date Status Sent Delivered Failed Held out Uncertain/);
    expect(en).toContain('Roaming Americas Mia Marketing Marketing WhatsApp');
    expect(en).toMatch(/Sent 10,750 9,876 50 1,200 3/);
    const html = render(createElement(CampaignTable, { campaigns: [campaign()], locale: 'en' }), 'en');
    expect(html).toContain('href="/campaigns/c-1"');
    const pt = text(
      render(
        createElement(CampaignTable, { campaigns: [campaign({ status: 'queued' })], locale: 'pt' }),
        'pt',
      ),
    );
    expect(pt).toContain('Na fila');
    expect(pt).toMatch(/10\.750 9\.876 50 1\.200 3/);
  });
});

describe('ResultsView', () => {
  it('is empty, saying when, until outcomes are imported', () => {
    const none = results({
      overall: {
        ...effect({ uplift: null }),
        treated: { ...effect({ uplift: null }).treated, withOutcome: 0 },
        control: { ...effect({ uplift: null }).control, withOutcome: 0 },
      },
      byTier: {},
      bySegment: {},
    });
    const html = text(
      render(
        createElement(ResultsView, {
          results: none,
          locale: 'en',
          outcomeDueAt: '2026-04-03T10:05:00.000Z',
          segmentNames: new Map(),
        }),
        'en',
      ),
    );
    expect(html).toContain('No outcomes yet');
    expect(html).toContain('after Apr 3, 2026');
    expect(html).not.toContain('Probability it helped');
  });

  it('shows the uplift with its interval and the probability it helped, overall, per tier and per segment', () => {
    const html = text(
      render(
        createElement(ResultsView, {
          results: results(),
          locale: 'en',
          outcomeDueAt: null,
          segmentNames: new Map([[2, 'Roaming fans']]),
        }),
        'en',
      ),
    );
    expect(html).toContain('Outcomes received for 1,000 customers.');
    expect(html).toContain('Without an outcome: 10 contacted, 2 held out');
    expect(html).toContain('Uplift +6.2%');
    expect(html).toContain('95% interval: +1.2% … +11.2%');
    expect(html).toContain('Probability it helped 97%');
    expect(html).toMatch(/By risk tier .* High 900 100 20% 30% \+10% \+5% … \+15% 97%/);
    expect(html).toMatch(/Critical .* \+15% .* 99%/);
    expect(html).toMatch(/None 900 100 20% — — — /);
    expect(html).toMatch(/By segment .* Roaming fans .* \+8% .* #3 .* -1% .* 40%/);
  });

  it('speaks Spanish with its number formats', () => {
    const html = text(
      render(
        createElement(ResultsView, {
          results: results(),
          locale: 'es',
          outcomeDueAt: null,
          segmentNames: new Map(),
        }),
        'es',
      ),
    );
    expect(html).toContain('Mejora +6,2 %');
    expect(html).toContain('Probabilidad de que ayudara 97 %');
    expect(html).toContain('Por nivel de riesgo');
    expect(html).toContain('Crítico');
  });
});

describe('the copy, the channel and the confirmation', () => {
  it('lists the problems, or says the copy is ready', () => {
    const html = text(
      render(
        createElement(CopyProblems, {
          problems: [
            { code: 'UNKNOWN_VARIABLE', message: 'Unknown variable {nombre}.' },
            { code: 'NO_STOP_LINE', message: 'WhatsApp needs a STOP line.' },
          ],
        }),
        'en',
      ),
    );
    expect(html).toContain('2 problems to fix before sending');
    expect(html).toContain('Unknown variable {nombre}.');
    expect(text(render(createElement(CopyProblems, { problems: [] }), 'en'))).toContain('Ready to send');
    expect(text(render(createElement(CopyProblems, { problems: [] }), 'pt'))).toContain('Pronta para enviar');
  });

  it('says which writer wrote the draft', () => {
    expect(
      text(render(createElement(WriterNote, { writer: 'llm', model: 'qwen2.5:7b', edited: false }), 'en')),
    ).toContain('Drafted by the language model qwen2.5:7b.');
    const offline = text(render(createElement(WriterNote, { writer: 'template', edited: true }), 'en'));
    expect(offline).toContain('offline templates');
    expect(offline).toContain('Edited since.');
  });

  it('says the messages go to the outbox where the channel is not configured', () => {
    const settings: ChannelSettings = {
      email: { configured: true, provider: 'smtp', from: 'hello@shop.example' },
      whatsapp: { configured: false, provider: null, from: null },
      sms: { configured: false, provider: null, from: null },
      llm: { configured: false, baseUrl: null, model: null },
    };
    expect(text(render(createElement(ChannelNotice, { settings, channel: 'whatsapp' }), 'en'))).toContain(
      'No WhatsApp provider is configured: the messages go to the outbox',
    );
    expect(text(render(createElement(ChannelNotice, { settings, channel: 'email' }), 'en'))).toContain(
      'E-mail messages are sent through smtp, from hello@shop.example.',
    );
    // Not a manager: the settings cannot be read, so the notice says what happens without a provider.
    expect(text(render(createElement(ChannelNotice, { settings: null, channel: 'sms' }), 'es'))).toContain(
      'los mensajes van a la bandeja de salida',
    );
  });

  it('counts the recipients: the drawn control group once queued, the share asked for on a draft', () => {
    expect(recipients(campaign(), null)).toEqual({ audience: 12000, heldOut: 1200, toSend: 10800 });
    const draft = campaign({
      status: 'draft',
      holdoutShare: 0.15,
      counts: { audience: 0, heldOut: 0, queued: 0, sent: 0, delivered: 0, failed: 0, uncertain: 0 },
    });
    expect(recipients(draft, null)).toBeNull();
    expect(recipients(draft, 1001)).toEqual({ audience: 1001, heldOut: 150, toSend: 851 });
  });
});

describe('the audience in words, the store suggestions, the contributions', () => {
  it('names each condition of a filter, and everyone for none', () => {
    const html = text(
      render(
        createElement(FilterSummary, {
          filter: {
            segments: [2, 5],
            riskTiers: ['High', 'Critical'],
            insiders: true,
            fields: [{ field: 'EDAD', op: 'ge', value: 30 }],
          },
          segmentNames: new Map([[2, 'Roaming fans']]),
        }),
        'en',
      ),
    );
    expect(html).toContain('Segments: Roaming fans, #5');
    expect(html).toContain('Churn risk tiers: High, Critical');
    expect(html).toContain('Insiders only');
    expect(html).toContain('EDAD at least 30');
    expect(
      text(render(createElement(FilterSummary, { filter: {}, segmentNames: new Map() }), 'en')),
    ).toContain('Every customer');
  });

  it('suggests stores from the store column the churn report grouped by', () => {
    const report = {
      churn: {
        byGroup: [
          { column: 'TIENDA', rows: [{ value: 'Norte' }, { value: 'Centro' }, { value: '' }] },
          { column: 'REGION', rows: [{ value: 'Lima' }] },
        ],
      },
    } as unknown as Report;
    expect(storeOptions(report)).toEqual(['Centro', 'Norte']);
    expect(storeOptions(undefined)).toEqual([]);
  });

  it('lists contributions with id, segment, date, author, type and text', () => {
    const html = text(
      render(
        createElement(ContributionTable, {
          contributions: [
            {
              id: 'c-9',
              segment: 'Roaming fans',
              date: '2026-03-04T10:05:00.000Z',
              author: 'Mia Marketing',
              type: 'campaign',
              text: 'Travel packages for the Americas',
            },
          ],
          locale: 'pt',
        }),
        'pt',
      ),
    );
    expect(html).toMatch(/Id Segmento Data Autor Tipo Texto/);
    expect(html).toContain('c-9 Roaming fans');
    expect(html).toContain('2026');
    expect(html).toContain('Mia Marketing Campanha Travel packages for the Americas');
  });
});

describe('the campaigns api', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for pages, your own, a channel, and sends outcomes as CSV', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ campaigns: [], messages: [], total: 0, received: 2 }), {
        status: 200,
      });
    });
    await listCampaigns({ page: 2, mine: true });
    await listCampaigns({ page: 1, mine: false });
    await listOutbox({ page: 1, channel: 'sms' });
    await expect(
      importOutcomes(
        'c/1',
        new Blob(['customer_id,churned,revenue\nA,1,\nB,0,12.5\n'], { type: 'text/csv' }),
      ),
    ).resolves.toEqual(expect.objectContaining({ received: 2 }));
    expect(calls.map((c) => c.url)).toEqual([
      '/api/campaigns?page=2&mine=1',
      '/api/campaigns?page=1',
      '/api/outbox?page=1&channel=sms',
      '/api/campaigns/c%2F1/outcomes',
    ]);
    expect((calls[3]!.init.headers as Record<string, string>)['content-type']).toBe('text/csv');
    expect(calls[3]!.init.method).toBe('POST');
  });
});

describe('the navigation', () => {
  function nav(permissions: Action[]): string {
    const me: Me = {
      user: { id: 'u1', email: 'x@demo.clientele', name: 'X' },
      organisation: { id: 'o1', name: 'Org' },
      memberships: [],
      permissions,
      csrfToken: null,
    };
    const session = { me, can: (a: Action) => permissions.includes(a), signOut: async () => {} };
    const html = render(
      createElement(
        SessionContext.Provider,
        { value: session },
        createElement(Layout, { page: 'campaigns' } as Parameters<typeof Layout>[0], 'page'),
      ),
      'en',
    );
    return [...html.matchAll(/<a[^>]*href="([^"]+)"/g)].map((m) => m[1]!).join(' ');
  }

  it('offers a new campaign to those who may send, the channels to managers, the history and outbox to all', () => {
    expect(nav(['look_up_customers'])).toBe(
      '/ /data /charts /explore /builder /segments /insiders /lookout /manager /campaigns /outbox',
    );
    expect(nav(['look_up_customers', 'send_campaigns'])).toContain('/campaigns/new /campaigns /outbox');
    expect(nav(['look_up_customers', 'send_campaigns'])).not.toContain('/settings');
    expect(nav(['look_up_customers', 'send_campaigns', 'manage_members'])).toMatch(
      /\/campaigns\/new \/campaigns \/outbox \/settings$/,
    );
  });
});

describe('channel settings: secrets under another key', () => {
  const settings = (secretsError: string | null): ChannelSettings => ({
    email: { configured: true, provider: 'smtp', from: 'a@example.com' },
    whatsapp: { configured: false, provider: 'outbox', from: null },
    sms: { configured: false, provider: 'outbox', from: null },
    llm: { configured: false, baseUrl: null, model: null },
    unreadableSecrets: secretsError ? ['smtp'] : [],
    secretsError,
  });

  it("says so with the server's words, titled in each language; nothing when they read", () => {
    const message = 'the channel secrets were encrypted with another key: set CLIENTELE_SECRET_KEY';
    const titles = {
      en: 'Saved secrets cannot be read',
      es: 'No se pueden leer los secretos guardados',
      pt: 'Não é possível ler os segredos salvos',
    };
    for (const language of ['en', 'es', 'pt'] as const) {
      const html = text(render(createElement(SecretsUnreadable, { settings: settings(message) }), language));
      expect(html).toContain(titles[language]);
      expect(html).toContain(message);
    }
    expect(
      text(render(createElement(SecretsUnreadable, { settings: settings(null) }), 'en')).trim(),
    ).not.toMatch(/secrets|key/);
  });
});

describe('campaign notice', () => {
  it("says the outbox fallback in the reader's language, not the server's English; another notice as written", () => {
    const outbox = {
      notice: 'WhatsApp (Twilio) is not configured for your organisation: ...',
      provider: 'outbox',
      channel: 'whatsapp',
    } as const;
    expect(text(render(createElement(CampaignNotice, { campaign: outbox }), 'es'))).toMatch(
      /bandeja de salida/,
    );
    expect(text(render(createElement(CampaignNotice, { campaign: outbox }), 'pt'))).toMatch(
      /caixa de saída/i,
    );
    expect(text(render(createElement(CampaignNotice, { campaign: outbox }), 'en'))).toMatch(
      /No WhatsApp provider is configured: the messages go to the outbox/,
    );
    const other = { notice: 'Sent through Twilio.', provider: 'twilio', channel: 'sms' } as const;
    expect(text(render(createElement(CampaignNotice, { campaign: other }), 'es'))).toContain(
      'Sent through Twilio.',
    );
  });
});

describe('a campaign page names its segments', () => {
  it("from the segmentation its audience was drawn in, else the team's", () => {
    expect(
      campaignSegmentsUrl({ datasetId: 'd 1', filter: { segmentation: 'pca-gmm', segments: [1] } }),
    ).toBe('/api/datasets/d%201/segments?segmentation=pca-gmm');
    expect(campaignSegmentsUrl({ datasetId: 'd1', filter: {} })).toBe('/api/datasets/d1/segments');
  });
});
