import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { type LlmEndpoint, normaliseLlmUrl } from './llmEndpoint.ts';

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
