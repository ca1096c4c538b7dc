import { MantineProvider } from '@mantine/core';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { CustomerView } from '../src/api/types.ts';
import { CustomerCard } from '../src/features/lookout/CustomerCard.tsx';
import { initI18n, type Language } from '../src/i18n/index.ts';
import { htmlText } from './renderHtml.ts';

const base: CustomerView = {
  customer: {
    id: 'C1',
    datasetId: 'd1',
    datasetName: 'Telco',
    name: 'Ana García',
    phone: '+15550000001',
    email: 'ana@example.com',
    location: 'Lima',
    store: 'Centro',
    attributes: {},
  },
  analysis: null,
  messages: [],
  datasets: [{ id: 'd1', name: 'Telco' }],
};

function render(view: CustomerView, language: Language): string {
  const i18n = initI18n(language);
  return renderToString(
    createElement(
      I18nextProvider,
      { i18n },
      createElement(MantineProvider, null, createElement(CustomerCard, { view })),
    ),
  );
}

describe('the Lookout card: messages received', () => {
  it('says so when no campaign has written to the customer', () => {
    expect(render(base, 'en')).toContain('No campaign has sent this customer a message yet.');
    expect(render(base, 'es')).toContain('Mensajes recibidos');
  });

  it('lists each message with its campaign, channel, status, subject and text', () => {
    const html = render(
      {
        ...base,
        messages: [
          {
            campaignId: 'k2',
            campaign: 'Roaming summer',
            channel: 'whatsapp',
            subject: null,
            body: 'Hi Ana! Roaming in the Americas for less.',
            status: 'delivered',
            at: '2026-11-20T10:00:00.000Z',
          },
          {
            campaignId: 'k1',
            campaign: 'Spring offer',
            channel: 'email',
            subject: 'Twenty percent off',
            body: 'Dear Ana, ...',
            status: 'failed',
            at: '2026-10-01T10:00:00.000Z',
          },
        ],
      },
      'pt',
    );
    expect(html).toContain('Mensagens recebidas');
    expect(html).toContain('Roaming summer, por WhatsApp');
    expect(html).toContain('Twenty percent off');
    expect(html.indexOf('Roaming summer')).toBeLessThan(html.indexOf('Spring offer'));
    expect(html).not.toContain('Nenhuma campanha');
  });
});

describe('the Lookout card: the segmentation', () => {
  const analysis = (segment: Partial<NonNullable<CustomerView['analysis']>['segment']>) => ({
    ...base,
    analysis: {
      runId: 'r1',
      version: 1,
      segment: { id: 2, name: 'Travellers', description: '', namedBy: 'team' as const, ...segment },
      churn: null,
      reasons: [],
      insider: false,
      recommendation: 'Keep them engaged.',
    },
  });

  it("names the team's segmentation when it is not the main one, in each language", () => {
    const other = analysis({ segmentation: 'pca-gmm', segmentationName: 'Gaussian mixture on PCA' });
    expect(htmlText(render(other, 'en'))).toContain("in your team's segmentation “Gaussian mixture on PCA”");
    expect(render(other, 'es')).toContain('en la segmentación de tu equipo «Gaussian mixture on PCA»');
    expect(render(other, 'pt')).toContain('na segmentação da sua equipe «Gaussian mixture on PCA»');
    expect(
      render(analysis({ segmentation: 'main', segmentationName: 'Main segmentation' }), 'en'),
    ).not.toContain('customer-segmentation');
  });
});
