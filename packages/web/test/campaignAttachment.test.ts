import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Campaign, removeAttachment, uploadAttachment } from '../src/api/campaigns.ts';
import { CampaignAttachment } from '../src/features/campaigns/CampaignAttachment.tsx';
import type { Language } from '../src/i18n/index.ts';
import { renderHtml as render, htmlText as text } from './renderHtml.ts';

type Shown = Pick<Campaign, 'id' | 'status' | 'channel' | 'attachment'>;
const draft: Shown = { id: 'c-1', status: 'draft', channel: 'whatsapp', attachment: null };
const withFile: Shown = {
  ...draft,
  attachment: { name: 'Tarifas 2026.pdf', type: 'application/pdf', bytes: 1_258_291 },
};
const view = (campaign: Shown, language: Language = 'en', canEdit = true) =>
  render(createElement(CampaignAttachment, { campaign, canEdit, onChanged: () => {} }), language);

describe('campaign attachment', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('offers a draft a file input for an image or PDF, with the limits, in each language', () => {
    const en = text(view(draft));
    expect(en).toContain('Attach an image or PDF');
    expect(en).toMatch(/PNG, JPEG or GIF image, or a PDF, of at most 5 MB/);
    expect(en).toContain('SMS goes without it');
    expect(en).toContain('No attachment.');
    const html = view(draft);
    expect(html).toContain('data-testid="attachment-file"');
    expect(html).toMatch(/accept="image\/png,image\/jpeg,image\/gif,application\/pdf[^"]*"/);
    expect(html).not.toContain('attachment-remove');
    expect(text(view(draft, 'es'))).toContain('Adjuntar una imagen o un PDF');
    expect(text(view(draft, 'pt'))).toContain('Anexar uma imagem ou um PDF');
  });

  it('shows the current attachment with its size and Remove; a replacement in place of a second file', () => {
    const html = view(withFile);
    expect(text(html)).toContain('Tarifas 2026.pdf (1.2 MB)');
    expect(html).toContain('data-testid="attachment-remove"');
    expect(text(html)).toContain('Remove');
    expect(text(html)).toContain('Replace it with another image or PDF');
    expect(text(view(withFile, 'es'))).toMatch(/Tarifas 2026\.pdf \(1,2 MB\).*Quitar/);
    expect(text(view(withFile, 'pt'))).toMatch(/Tarifas 2026\.pdf \(1,2 MB\).*Remover/);
  });

  it('once sent: the attachment shown without Remove or input; nothing at all without one; read-only roles cannot change it', () => {
    const sent = view({ ...withFile, status: 'sent' });
    expect(text(sent)).toContain('Tarifas 2026.pdf');
    expect(sent).not.toContain('attachment-remove');
    expect(sent).not.toContain('attachment-file');
    expect(view({ ...draft, status: 'sent' })).not.toContain('campaign-attachment');
    const support = view(withFile, 'en', false);
    expect(support).not.toContain('attachment-remove');
    expect(support).not.toContain('attachment-file');
    expect(view(draft, 'en', false)).not.toContain('campaign-attachment');
    expect(view(draft)).toContain('data-testid="campaign-attachment"');
  });

  it('says an SMS campaign goes without its attachment', () => {
    const sms = text(view({ ...withFile, channel: 'sms' }));
    expect(sms).toContain('SMS messages are sent without the attachment');
    expect(text(view({ ...withFile, channel: 'sms' }, 'es'))).toContain('Los SMS se envían sin el adjunto');
    expect(text(view(withFile))).not.toContain('SMS messages are sent without');
  });

  it('uploads the file itself with its type and name (an unknown type as octet-stream) and removes it', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ id: 'c-1', attachment: null }), { status: 200 });
    });
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], 'promo día.png', { type: 'image/png' });
    const webp = new File([new Uint8Array([1, 2, 3])], 'x.webp', { type: 'image/webp' });
    await uploadAttachment('c/1', png);
    await uploadAttachment('c/1', webp);
    await removeAttachment('c/1');
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /api/campaigns/c%2F1/attachment?name=promo+d%C3%ADa.png',
      'POST /api/campaigns/c%2F1/attachment?name=x.webp',
      'DELETE /api/campaigns/c%2F1/attachment',
    ]);
    const type = (i: number) => (calls[i]!.init.headers as Record<string, string>)['content-type'];
    expect(type(0)).toBe('image/png');
    expect(type(1)).toBe('application/octet-stream');
    expect(calls[0]!.init.body).toBe(png);
  });
});
