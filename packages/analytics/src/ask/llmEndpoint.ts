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
