import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';

/** An OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, llama.cpp server, vLLM). */
export interface LlmEndpoint {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1 */
  baseUrl: string;
  model: string;
  /** Local servers need none. */
  apiKey?: string | null;
}

/**
 * The endpoint from CLIENTELE_LLM_URL, CLIENTELE_LLM_MODEL and CLIENTELE_LLM_KEY, or null when
 * the URL or the model is not set.
 */
export function llmFromEnv(env: Record<string, string | undefined> = process.env): LlmEndpoint | null {
  const baseUrl = env['CLIENTELE_LLM_URL']?.trim();
  const model = env['CLIENTELE_LLM_MODEL']?.trim();
  if (!baseUrl || !model) return null;
  return { baseUrl, model, apiKey: env['CLIENTELE_LLM_KEY']?.trim() || null };
}

/** "http://127.0.0.1:11434" -> ".../v1": OpenAI-compatible servers serve under /v1. */
export function normaliseLlmUrl(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  try {
    const url = new URL(trimmed);
    if (url.pathname === '/' || url.pathname === '') return `${trimmed}/v1`;
  } catch {
    // Not a URL: the request fails and describeLlmFailure says so.
  }
  return trimmed;
}

/**
 * What a person reads when no model is set: what the endpoint would add, and that the SQL console
 * works without it. `setup` says where this surface takes the endpoint (flags, Settings).
 */
export function noLlmMessage(setup: string): string {
  return (
    'No language model is set up, so questions in plain words cannot be answered here. ' +
    "With an OpenAI-compatible endpoint (OpenAI, or a local Ollama or llama.cpp server), the question goes to the model with this run's table and column descriptions; " +
    'the model writes read-only SQL, Clientele checks and runs each query within row and time limits, and the model answers from the rows, with every query it ran shown beside the answer. ' +
    `${setup} Without one, the SQL console reads the same tables.`
  );
}

/** An endpoint failure in words that say what to fix; `setup` says where the endpoint is set. */
export function describeLlmFailure(err: unknown, endpoint: LlmEndpoint, setup: string): string {
  const url = normaliseLlmUrl(endpoint.baseUrl);
  const where = `The model at ${url}`;
  if (!URL.canParse(url)) {
    return `The model's URL "${endpoint.baseUrl}" is not a URL: write it in full, like http://127.0.0.1:11434/v1. ${setup}`;
  }
  if (err instanceof APIConnectionTimeoutError) {
    return `${where} did not answer in time: the server may be busy or still loading the model; try again, or use a smaller model.`;
  }
  if (err instanceof APIConnectionError) {
    return `Could not reach the model at ${url}: check the URL (Ollama: http://127.0.0.1:11434/v1) and that the server is running. ${setup}`;
  }
  if (err instanceof APIError) {
    const detail = err.message.replace(/^\d{3}\s*/, '').trim();
    switch (err.status) {
      case 401:
        return `${where} refused the API key (401): set a valid key. ${setup}`;
      case 403:
        return `${where} refused access (403): the key may lack access to "${endpoint.model}". ${setup}`;
      case 404:
        return `${where} answered 404: there is no model "${endpoint.model}" there, or the URL lacks its /v1 part (${url}/models lists the models). ${setup}`;
      case 429:
        return `${where} is rate limiting (429)${detail ? `: ${detail}` : ''}; wait a moment and ask again.`;
      default:
        return `${where} answered ${err.status ?? 'an error'}${detail ? `: ${detail}` : ''}; check the model "${endpoint.model}" and the server's log.`;
    }
  }
  return `${where} failed: ${err instanceof Error ? err.message : String(err)}`;
}
