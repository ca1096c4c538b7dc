import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCopy,
  copyWriterFor,
  listVariables,
  OpenAiCopyWriter,
  offerOf,
  parseDraft,
  renderMessage,
  smsSegments,
  TemplateCopyWriter,
  writeTemplateCopy,
} from '../../src/campaigns/copy/index.ts';
import type { ChannelKind, CopyLanguage, CopyRequest, SegmentBrief } from '../../src/campaigns/types.ts';
import { type FakeOpenAi, startFakeOpenAi } from './fakeOpenAi.ts';

const CHANNELS: ChannelKind[] = ['email', 'whatsapp', 'sms'];
const LANGUAGES: CopyLanguage[] = ['en', 'es', 'pt'];

/** Two segments of the demo's telco data, different in profile, churn reasons and risk. */
const TRAVELLERS: SegmentBrief = {
  segmentId: '2',
  name: 'Global communicators',
  description: 'Many international messages and roaming calls.',
  size: 2200,
  riskTiers: { Low: 1200, Moderate: 700, High: 250, Critical: 50 },
  profile: [
    { feature: 'SUM_ESC_ROAMING_SALIENTE_VOZ', segment: 21.4, overall: 4.1 },
    { feature: 'SUM_MENSAJES_INTERNACIONALES', segment: 18, overall: 3.2 },
    { feature: 'PLAN', segment: 'Postpago', overall: 'Prepago' },
  ],
  churnReasons: [
    { feature: 'NUM_LLAMADAS_ATENCION', contribution: 0.041 },
    { feature: 'ANTIGUEDAD_MESES', contribution: 0.012 },
  ],
};
const LAPSING: SegmentBrief = {
  segmentId: '1',
  name: 'Cautious rechargers',
  description: 'Recharge rarely and little.',
  size: 3300,
  riskTiers: { Low: 200, Moderate: 600, High: 1500, Critical: 1000 },
  profile: [
    { feature: 'DIAS_ULTIMA_RECARGA', segment: 38, overall: 11 },
    { feature: 'SUM_MONTO_RECARGAS', segment: 12.5, overall: 48 },
  ],
  churnReasons: [{ feature: 'DIAS_ULTIMA_RECARGA', contribution: 0.18 }],
};

const INSTRUCTION = 'travellers who use roaming a lot: promote travel packages for the Americas';

const request = (
  segment: SegmentBrief,
  channel: ChannelKind,
  language: CopyLanguage = 'en',
): CopyRequest => ({
  instruction: INSTRUCTION,
  channel,
  language,
  segment,
});

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe('personalisation variables', () => {
  it('lists the variables of a text once each, in order, known or not', () => {
    expect(listVariables('Hi {first_name}, {store} {first_name} {coupon} {{x}} { y } {not-a-var}')).toEqual([
      'first_name',
      'store',
      'coupon',
      'x',
    ]);
    expect(listVariables('no variables here')).toEqual([]);
  });

  it('fills known variables and reports unknown ones, leaving them as written', () => {
    const out = renderMessage('Hi {first_name}, your store is {store}. Code {coupon}.', {
      first_name: 'Ana',
      store: 'Centro',
    });
    expect(out.text).toBe('Hi Ana, your store is Centro. Code {coupon}.');
    expect(codes(out.problems)).toEqual(['UNKNOWN_VARIABLE']);
    expect(out.problems[0]!.message).toContain('{coupon}');
  });

  it('drops an empty value with the space before it when punctuation follows', () => {
    expect(renderMessage('Hi {first_name}, welcome.', { first_name: '' }).text).toBe('Hi, welcome.');
    expect(renderMessage('¡Hola {first_name}!', {}).text).toBe('¡Hola!');
    expect(renderMessage('Visit {store} today', { store: null }).text).toBe('Visit today');
    expect(
      renderMessage('Unsubscribe: {unsubscribe_url}', { unsubscribe_url: 'https://x.test/u/1' }).text,
    ).toBe('Unsubscribe: https://x.test/u/1');
  });
});

describe('checkCopy guardrails', () => {
  const goodEmail = { subject: 'Hi {first_name}', body: 'Hello.\n\nUnsubscribe: {unsubscribe_url}' };

  it('passes copy that follows every rule, on every channel', () => {
    expect(checkCopy({ channel: 'email', ...goodEmail })).toEqual([]);
    expect(checkCopy({ channel: 'whatsapp', body: 'Hi {first_name}!\nReply STOP to opt out.' })).toEqual([]);
    expect(checkCopy({ channel: 'sms', body: 'Hi {first_name}! 10% off. Reply STOP to opt out' })).toEqual(
      [],
    );
  });

  it('requires a body on every channel', () => {
    for (const channel of CHANNELS) {
      expect(codes(checkCopy({ channel, subject: 'S', body: '  ' }))).toContain('BODY_REQUIRED');
    }
  });

  it('e-mail: a subject of at most 150 characters once variables are filled in, on one line', () => {
    expect(codes(checkCopy({ channel: 'email', body: goodEmail.body }))).toEqual(['SUBJECT_REQUIRED']);
    expect(checkCopy({ channel: 'email', subject: 'a'.repeat(150), body: goodEmail.body })).toEqual([]);
    const long = checkCopy({ channel: 'email', subject: 'a'.repeat(151), body: goodEmail.body });
    expect(codes(long)).toEqual(['SUBJECT_TOO_LONG']);
    expect(long[0]!.message).toMatch(/151 characters.*150/);
    // 140 written characters, but {first_name} counts as a typical name, not as 12 braces and letters.
    const withName = `{first_name} ${'a'.repeat(140)}`;
    expect(codes(checkCopy({ channel: 'email', subject: withName, body: goodEmail.body }))).toEqual([
      'SUBJECT_TOO_LONG',
    ]);
    expect(codes(checkCopy({ channel: 'email', subject: 'a\nb', body: goodEmail.body }))).toEqual([
      'SUBJECT_NOT_ONE_LINE',
    ]);
  });

  it('e-mail: the body must carry {unsubscribe_url}, suggested in the copy language', () => {
    const problems = checkCopy({ channel: 'email', subject: 'Hi', body: 'Hello', language: 'es' });
    expect(codes(problems)).toEqual(['UNSUBSCRIBE_MISSING']);
    expect(problems[0]!.message).toContain('Para dejar de recibir estos correos: {unsubscribe_url}');
  });

  it('rejects unknown variables, variables of another channel and near-variables', () => {
    const unknown = checkCopy({ channel: 'whatsapp', body: 'Use {coupon}. Reply STOP to opt out.' });
    expect(codes(unknown)).toEqual(['UNKNOWN_VARIABLE']);
    expect(unknown[0]!.message).toMatch(/\{coupon\}.*\{first_name\}/);
    expect(codes(checkCopy({ channel: 'email', subject: 'Your {code}', body: goodEmail.body }))).toEqual([
      'UNKNOWN_VARIABLE',
    ]);
    const sms = checkCopy({ channel: 'sms', body: 'Leave: {unsubscribe_url} Reply STOP to opt out' });
    expect(codes(sms)).toEqual(['VARIABLE_NOT_FOR_CHANNEL']);
    expect(sms[0]!.message).toContain('e-mail only');
    // {{first_name}} is reported once, as syntax, not also as an unknown {first_name}.
    const doubled = checkCopy({
      channel: 'whatsapp',
      body: 'Hi {{first_name}} and { store }. Reply STOP to opt out.',
    });
    expect(codes(doubled)).toEqual(['VARIABLE_SYNTAX', 'VARIABLE_SYNTAX']);
    expect(doubled[0]!.message).toContain('{first_name}');
  });

  it('WhatsApp and SMS need a STOP line; the en, es and pt forms are accepted', () => {
    for (const channel of ['whatsapp', 'sms'] as const) {
      const missing = checkCopy({ channel, body: 'Non-STOP deals all week!', language: 'pt' });
      expect(codes(missing)).toEqual(['STOP_LINE_MISSING']);
      expect(missing[0]!.message).toContain('Responda STOP para sair.');
      for (const line of [
        'Reply STOP to opt out.',
        'Text STOP to unsubscribe',
        'Responde STOP para darte de baja.',
        'Para no recibir más mensajes, envía "STOP".',
        'Responda STOP para sair.',
        'Envie STOP para cancelar.',
      ]) {
        expect(checkCopy({ channel, body: `Hola.\n${line}` }), line).toEqual([]);
      }
    }
    // Without a language, the suggestion gives all three.
    expect(checkCopy({ channel: 'sms', body: 'Hi' })[0]!.message).toMatch(
      /Reply STOP.*Responde STOP.*Responda STOP/,
    );
  });

  it('WhatsApp: at most 1,024 characters, variables at typical length', () => {
    const stop = '\nReply STOP to opt out.';
    const fits = 'a'.repeat(1024 - stop.length) + stop;
    expect(checkCopy({ channel: 'whatsapp', body: fits })).toEqual([]);
    const over = checkCopy({ channel: 'whatsapp', body: `a${fits}` });
    expect(codes(over)).toEqual(['BODY_TOO_LONG']);
    expect(over[0]!.message).toMatch(/1,025 characters.*1,024.*Cut about 1 character/);
    expect(codes(checkCopy({ channel: 'whatsapp', body: `{first_name}${fits.slice(11)}` }))).toEqual([
      'BODY_TOO_LONG',
    ]);
  });

  it('SMS: counts GSM-7 and UCS-2 segments', () => {
    expect(smsSegments('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(smsSegments('a'.repeat(161))).toMatchObject({ segments: 2 });
    expect(smsSegments('a'.repeat(153 * 10))).toMatchObject({ segments: 10 });
    expect(smsSegments('a'.repeat(153 * 10 + 1))).toMatchObject({ segments: 11 });
    // € and [ are in the extension table: two septets each.
    expect(smsSegments('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('€'.repeat(81))).toMatchObject({ segments: 2 });
    // é and ñ are GSM; ã and í are not.
    expect(smsSegments('café mañana')).toMatchObject({ encoding: 'GSM-7' });
    expect(smsSegments(`ã${'a'.repeat(69)}`)).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      nonGsm: ['ã'],
    });
    expect(smsSegments(`ã${'a'.repeat(70)}`)).toMatchObject({ segments: 2 });
    expect(smsSegments('🙂'.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('')).toMatchObject({ segments: 0 });
  });

  it('SMS: refuses more than 10 segments and says how many, and why when accents shrink them', () => {
    const stop = ' Reply STOP to opt out.';
    expect(checkCopy({ channel: 'sms', body: 'a'.repeat(1530 - stop.length) + stop })).toEqual([]);
    const over = checkCopy({ channel: 'sms', body: 'a'.repeat(1600) + stop });
    expect(codes(over)).toEqual(['TOO_MANY_SEGMENTS']);
    expect(over[0]!.message).toMatch(/11 parts.*most we send is 10.*1,530 characters/);
    const accented = checkCopy({ channel: 'sms', body: `ã${'a'.repeat(700)}${stop}` });
    expect(codes(accented)).toEqual(['TOO_MANY_SEGMENTS']);
    expect(accented[0]!.message).toMatch(/"ã".*only 67 characters/);
  });
});

describe('the offline template writer', () => {
  it('writes drafts that pass checkCopy on every channel, in en, es and pt', async () => {
    const writer = new TemplateCopyWriter();
    for (const segment of [TRAVELLERS, LAPSING]) {
      for (const channel of CHANNELS) {
        for (const language of LANGUAGES) {
          const draft = await writer.write(request(segment, channel, language));
          expect(draft.writer).toBe('template');
          expect(draft.problems, `${segment.name} ${channel} ${language}`).toEqual([]);
          expect(checkCopy({ channel, subject: draft.subject, body: draft.body })).toEqual([]);
          expect(draft.subject === undefined).toBe(channel !== 'email');
        }
      }
    }
  });

  it('grounds the copy in the segment: different profiles give different copy', () => {
    for (const channel of CHANNELS) {
      for (const language of LANGUAGES) {
        const a = writeTemplateCopy(request(TRAVELLERS, channel, language));
        const b = writeTemplateCopy(request(LAPSING, channel, language));
        expect(a.body).not.toBe(b.body);
      }
    }
    const travel = writeTemplateCopy(request(TRAVELLERS, 'whatsapp'));
    expect(travel.body).toContain('stay connected when you travel');
    // Its top churn reason is support calls; its risk is mostly low: a loyalty tone.
    expect(travel.body).toContain('reply to this message and we will sort it out');
    expect(travel.body).toContain('thank-you for being part of our community');
    const lapsing = writeTemplateCopy(request(LAPSING, 'whatsapp', 'es'));
    expect(lapsing.body).toContain('te extrañamos');
    expect(lapsing.body).toContain('Notamos que recargas menos');
    // Mostly High and Critical risk: the offer is time-bound.
    expect(lapsing.body).toContain('hasta fin de mes');
  });

  it('takes the offer from the instruction and is deterministic', () => {
    const one = writeTemplateCopy(request(TRAVELLERS, 'email'));
    expect(one.subject).toBe('{first_name}, travel packages for the Americas');
    expect(one.body).toContain('Discover travel packages for the Americas.');
    expect(writeTemplateCopy(request(TRAVELLERS, 'email'))).toEqual(one);
    const pt = writeTemplateCopy({
      ...request(LAPSING, 'sms', 'pt'),
      instruction: 'Ofereça 2 GB de bônus na recarga',
    });
    expect(pt.body).toContain('Conheça 2 GB de bônus na recarga.');
    const none = writeTemplateCopy({ ...request(LAPSING, 'sms'), instruction: '' });
    expect(none.body).toContain('a special offer picked for you');
    expect(none.problems).toEqual([]);
  });

  it('finds the offer inside an instruction, or uses a default when there is none', () => {
    expect(offerOf('travellers who use roaming a lot: promote travel packages for the Americas.')).toBe(
      'travel packages for the Americas',
    );
    expect(offerOf('viajeros: promociona paquetes de viaje para las Américas')).toBe(
      'paquetes de viaje para las Américas',
    );
    expect(offerOf('Write a friendly message offering 20% off roaming')).toBe('20% off roaming');
    expect(offerOf('Escreva uma mensagem sobre o novo plano família')).toBe('o novo plano família');
    expect(offerOf('Write a message to win them back')).toBe('');
    expect(offerOf('Double data on {store} weekends')).toBe('Double data on store weekends');
    const draft = writeTemplateCopy({
      ...request(TRAVELLERS, 'sms'),
      instruction: 'Write a message to win them back',
    });
    expect(draft.body).toContain('Discover a special offer picked for you.');
  });

  it('names an unrecognised feature in words rather than say nothing of the segment', () => {
    const odd: SegmentBrief = {
      ...LAPSING,
      profile: [{ feature: 'SUM_SS_TRAFICO_IVR', segment: 9, overall: 2 }],
      churnReasons: [],
    };
    const draft = writeTemplateCopy(request(odd, 'whatsapp'));
    expect(draft.body).toContain('stand out for their trafico ivr');
    expect(draft.problems).toEqual([]);
  });
});

describe('parseDraft', () => {
  it('reads JSON in fences, after reasoning, with raw line breaks, or plain prose', () => {
    expect(parseDraft('```json\n{"subject": "Hi", "body": "Hello {first_name}"}\n```')).toEqual({
      subject: 'Hi',
      body: 'Hello {first_name}',
    });
    expect(
      parseDraft('<think>the user wants {x}</think>Here it is: {"subject": null, "body": "a\nb"} Enjoy!'),
    ).toEqual({
      body: 'a\nb',
    });
    expect(parseDraft('{"title": "T", "message": ["line 1", "line 2"]}')).toEqual({
      subject: 'T',
      body: 'line 1\nline 2',
    });
    expect(parseDraft('Subject: Trips\n\nHello there')).toEqual({ subject: 'Trips', body: 'Hello there' });
    expect(parseDraft('Just a message. Reply STOP to opt out.')).toEqual({
      body: 'Just a message. Reply STOP to opt out.',
    });
    expect(parseDraft('{"body": ')).toBeNull();
    expect(parseDraft('   ')).toBeNull();
  });
});

describe('the OpenAI-compatible writer', () => {
  let llm: FakeOpenAi;
  beforeAll(async () => {
    llm = await startFakeOpenAi({ models: ['tiny-copy'], apiKey: 'sk-test' });
  });
  afterAll(async () => {
    await llm?.close();
  });

  const writer = () => new OpenAiCopyWriter({ baseUrl: llm.baseUrl, model: 'tiny-copy', apiKey: 'sk-test' });

  it('sends the segment profile, churn reasons, limits and variables, and returns the draft', async () => {
    const before = llm.requests.length;
    llm.reply(
      '```json\n{"subject": null, "body": "Hi {first_name}! Roaming in the Americas, sorted. Reply STOP to opt out."}\n```',
    );
    const draft = await writer().write(request(TRAVELLERS, 'whatsapp'));
    expect(draft).toEqual({
      body: 'Hi {first_name}! Roaming in the Americas, sorted. Reply STOP to opt out.',
      writer: 'llm',
      model: 'tiny-copy',
      problems: [],
    });
    expect(llm.requests.length - before).toBe(1);
    const sent = llm.requests.at(-1)!;
    expect(sent.authorization).toBe('Bearer sk-test');
    expect(sent.body.model).toBe('tiny-copy');
    const [system, user] = sent.body.messages;
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('1024 characters');
    expect(system!.content).toContain('Reply STOP to opt out.');
    expect(system!.content).toContain('{first_name}');
    expect(system!.content).not.toContain('{unsubscribe_url}');
    expect(user!.content).toContain(INSTRUCTION);
    expect(user!.content).toContain('Global communicators');
    expect(user!.content).toContain('SUM_ESC_ROAMING_SALIENTE_VOZ: 21.4 in the segment against 4.1 overall');
    expect(user!.content).toContain('PLAN: Postpago in the segment against Prepago overall');
    expect(user!.content).toContain('NUM_LLAMADAS_ATENCION: +4.1 points');
    expect(user!.content).toContain('High 250');
  });

  it('asks for one repair when the draft fails the checks, listing the problems', async () => {
    const before = llm.requests.length;
    llm.reply(
      '{"subject": "Trips", "body": "Hello {nombre}, travel packages are here."}',
      '{"subject": "Trips for you", "body": "Hello {first_name}, travel packages are here.\\n\\nUnsubscribe: {unsubscribe_url}"}',
    );
    const draft = await writer().write(request(TRAVELLERS, 'email'));
    expect(llm.requests.length - before).toBe(2);
    expect(draft.subject).toBe('Trips for you');
    expect(draft.problems).toEqual([]);
    const repair = llm.requests.at(-1)!.body.messages;
    expect(repair).toHaveLength(4);
    expect(repair[2]).toMatchObject({ role: 'assistant', content: expect.stringContaining('{nombre}') });
    expect(repair[3]!.content).toContain('{nombre}');
    expect(repair[3]!.content).toContain('unsubscribe link');
  });

  it('returns the draft with its problems when the repair fails too (one repair only)', async () => {
    const before = llm.requests.length;
    llm.reply('{"body": "Hola, paquetes de viaje."}', '{"body": "Hola {first_name}, paquetes de viaje."}');
    const draft = await writer().write(request(TRAVELLERS, 'sms', 'es'));
    expect(llm.requests.length - before).toBe(2);
    expect(draft.body).toBe('Hola {first_name}, paquetes de viaje.');
    expect(codes(draft.problems)).toEqual(['STOP_LINE_MISSING']);
    expect(draft.problems[0]!.message).toContain('Responde STOP para darte de baja.');
    expect(llm.pending()).toBe(0);
  });

  it('says which URL refused the key (401) or lacks the model (404)', async () => {
    const badKey = new OpenAiCopyWriter({ baseUrl: llm.baseUrl, model: 'tiny-copy', apiKey: 'wrong' });
    await expect(badKey.write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      `The copy model at ${llm.baseUrl} refused the API key (401). Enter a valid key`,
    );
    const noModel = new OpenAiCopyWriter({ baseUrl: llm.baseUrl, model: 'llama-9000', apiKey: 'sk-test' });
    await expect(noModel.write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      /answered 404: the model "llama-9000"/,
    );
  });

  it('says the server is unreachable, naming the URL, without retrying', async () => {
    const port = await closedPort();
    const down = new OpenAiCopyWriter({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
    await expect(down.write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      new RegExp(
        `Could not reach the copy model at http://127\\.0\\.0\\.1:${port}/v1 .*ECONNREFUSED.*Campaigns > Channels`,
      ),
    );
  });

  it('says when the server hangs up or does not answer in time', async () => {
    llm.reply({ hangUp: true });
    await expect(writer().write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      `Could not reach the copy model at ${llm.baseUrl}`,
    );
    llm.reply({ stall: true });
    const slow = new OpenAiCopyWriter({
      baseUrl: llm.baseUrl,
      model: 'tiny-copy',
      apiKey: 'sk-test',
      timeoutMs: 300,
    });
    await expect(slow.write(request(TRAVELLERS, 'sms'))).rejects.toThrow(/did not answer in time/);
  });

  it('says when the URL is not a URL', async () => {
    const typo = new OpenAiCopyWriter({ baseUrl: 'localhost 11434', model: 'm' });
    await expect(typo.write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      `The copy model's URL "localhost 11434" is not a URL: write it in full, like http://127.0.0.1:11434/v1`,
    );
  });

  it('turns a server error into a message with its detail', async () => {
    llm.reply({ status: 500, message: 'CUDA out of memory' });
    await expect(writer().write(request(TRAVELLERS, 'sms'))).rejects.toThrow(
      /answered 500: CUDA out of memory/,
    );
  });

  it('copyWriterFor picks the model when one is set, the template writer otherwise', async () => {
    expect(copyWriterFor()).toBeInstanceOf(TemplateCopyWriter);
    expect(copyWriterFor({ baseUrl: ' ', model: 'x' })).toBeInstanceOf(TemplateCopyWriter);
    const chosen = copyWriterFor({ baseUrl: 'http://127.0.0.1:11434', model: 'qwen' });
    expect(chosen).toBeInstanceOf(OpenAiCopyWriter);
    expect((chosen as OpenAiCopyWriter).baseUrl).toBe('http://127.0.0.1:11434/v1');
  });
});

describe('fakeOpenAi for tool-using clients (issue 10)', () => {
  it('answers tool calls, plain and streamed, in the OpenAI shape', async () => {
    const llm = await startFakeOpenAi();
    try {
      const client = new OpenAI({ baseURL: llm.baseUrl, apiKey: 'x', maxRetries: 0 });
      const tools = [
        {
          type: 'function' as const,
          function: {
            name: 'find_customer',
            parameters: { type: 'object', properties: { id: { type: 'string' } } },
          },
        },
      ];
      llm.reply(
        { toolCalls: [{ name: 'find_customer', arguments: { id: 'C-1' } }] },
        (req) => `You asked about ${req.body.messages.at(-1)!.content}`,
      );
      const first = await client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'who is C-1?' }],
        tools,
      });
      const call = first.choices[0]!.message.tool_calls![0]!;
      expect(first.choices[0]!.finish_reason).toBe('tool_calls');
      expect(call.type === 'function' && call.function.name).toBe('find_customer');
      expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ id: 'C-1' });
      expect(llm.requests[0]!.body.tools).toEqual(tools);

      const stream = await client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'a fairly long question to split into chunks' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBe('You asked about a fairly long question to split into chunks');
      expect(llm.pending()).toBe(0);
    } finally {
      await llm.close();
    }
  });
});

/** A port nothing listens on: opened, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
