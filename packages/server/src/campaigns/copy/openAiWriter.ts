import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { CopyRequest, CopyWriter } from '../types.ts';
import { checkCopy } from './checkCopy.ts';
import type { WrittenDraft } from './copyProblem.ts';
import { copyPrompt, repairPrompt } from './copyPrompt.ts';
import { parseDraft } from './parseDraft.ts';

/** An OpenAI-compatible endpoint, as an organisation sets it (Campaigns > Channels). */
export interface LlmSettings {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp), https://api.openai.com/v1 */
  baseUrl: string;
  model: string;
  /** Local servers need none. */
  apiKey?: string | null;
}

export interface OpenAiWriterOptions extends LlmSettings {
  /** Per request; a local model on a CPU can take a while. Default 90 s. */
  timeoutMs?: number;
  /** Default 0.4: some variety, but close to the instruction. */
  temperature?: number;
}

/**
 * A `CopyWriter` over any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, llama.cpp
 * server, vLLM). The prompt carries the segment's profile and churn reasons, the channel's limits
 * and the allowed variables (`copyPrompt`); the answer is parsed leniently (`parseDraft`). A draft
 * that fails `checkCopy` gets one repair round with the problems listed; whatever comes back is
 * returned with its problems, for the person to fix.
 *
 * No automatic retries (the SDK's default is 2, each up to the timeout): a person is waiting,
 * and a server that is down should say so at once. Endpoint failures throw an Error whose message
 * names the URL and what to fix.
 */
export class OpenAiCopyWriter implements CopyWriter {
  readonly baseUrl: string;
  readonly model: string;
  readonly #client: OpenAI;
  readonly #temperature: number;

  constructor(options: OpenAiWriterOptions) {
    this.baseUrl = normaliseBaseUrl(options.baseUrl);
    this.model = options.model;
    this.#temperature = options.temperature ?? 0.4;
    this.#client = new OpenAI({
      baseURL: this.baseUrl,
      // The SDK insists on a key; local servers ignore the header.
      apiKey: options.apiKey || 'no-key',
      organization: null,
      project: null,
      timeout: options.timeoutMs ?? 90_000,
      maxRetries: 0,
    });
  }

  async write(request: CopyRequest): Promise<WrittenDraft> {
    const { system, user } = copyPrompt(request);
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    const firstAnswer = await this.#complete(messages);
    const first = this.#draft(request, firstAnswer);
    if (first.problems.length === 0) return first;

    messages.push(
      { role: 'assistant', content: firstAnswer },
      {
        role: 'user',
        content: repairPrompt(
          first.body === ''
            ? [{ code: 'BODY_REQUIRED', message: 'The answer was not a JSON object with a "body".' }]
            : first.problems,
        ),
      },
    );
    const second = this.#draft(request, await this.#complete(messages));
    // Keep the repaired draft unless the repair made it worse.
    return second.problems.length <= first.problems.length ? second : first;
  }

  #draft(request: CopyRequest, answer: string): WrittenDraft {
    const parsed = parseDraft(answer) ?? { body: '' };
    const subject = request.channel === 'email' ? parsed.subject : undefined;
    const problems = checkCopy({
      channel: request.channel,
      subject,
      body: parsed.body,
      language: request.language,
    });
    const draft: WrittenDraft = { body: parsed.body, writer: 'llm', model: this.model, problems };
    if (subject !== undefined) draft.subject = subject;
    return draft;
  }

  async #complete(messages: ChatCompletionMessageParam[]): Promise<string> {
    try {
      const completion = await this.#client.chat.completions.create({
        model: this.model,
        messages,
        temperature: this.#temperature,
      });
      return completion.choices[0]?.message?.content ?? '';
    } catch (err) {
      throw new Error(describeLlmError(err, this.baseUrl, this.model), { cause: err });
    }
  }
}

/** "http://127.0.0.1:11434" -> ".../v1": every OpenAI-compatible server serves under /v1. */
export function normaliseBaseUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    if (url.pathname === '/' || url.pathname === '') return `${trimmed}/v1`;
  } catch {
    // An invalid URL is reported by the first request, with the URL in the message.
  }
  return trimmed;
}

/** An endpoint failure in words that say what to fix in Campaigns > Channels. */
export function describeLlmError(err: unknown, baseUrl: string, model: string): string {
  const where = `The copy model at ${baseUrl}`;
  if (!URL.canParse(baseUrl)) {
    return `The copy model's URL "${baseUrl}" is not a URL: write it in full, like http://127.0.0.1:11434/v1 (Campaigns > Channels).`;
  }
  if (err instanceof APIConnectionTimeoutError) {
    return `${where} did not answer in time. The server may be overloaded or the model still loading; try again, or pick a smaller model.`;
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? ` (${causeText(err.cause)})` : '';
    return `Could not reach the copy model at ${baseUrl}${cause}. Check the URL in Campaigns > Channels (for Ollama: http://127.0.0.1:11434/v1) and that the server is running.`;
  }
  if (err instanceof APIError) {
    const detail = err.message.replace(/^\d{3}\s*/, '').trim();
    switch (err.status) {
      case 401:
        return `${where} refused the API key (401). Enter a valid key in Campaigns > Channels.`;
      case 403:
        return `${where} refused access (403): the key may lack access to "${model}". Check the key and the model in Campaigns > Channels.`;
      case 404:
        return `${where} answered 404: the model "${model}" is not there, or the URL misses its /v1 part. Check the model name (${baseUrl}/models lists them) and the URL in Campaigns > Channels.`;
      case 429:
        return `${where} is rate limiting us (429)${detail ? `: ${detail}` : ''}. Wait a moment and try again, or raise the plan's limits.`;
      default:
        return `${where} answered ${err.status ?? 'an error'}${detail ? `: ${detail}` : ''}. Check the model "${model}" and the server's logs.`;
    }
  }
  return `${where} failed: ${err instanceof Error ? err.message : String(err)}`;
}

function causeText(cause: Error): string {
  const code = (cause as { code?: unknown }).code ?? (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
}
