import type { CopyWriter } from '../types.ts';
import { type LlmSettings, OpenAiCopyWriter } from './openAiWriter.ts';
import { TemplateCopyWriter } from './templateWriter.ts';

export * from './checkCopy.ts';
export * from './copyProblem.ts';
export * from './copyPrompt.ts';
export * from './copyThemes.ts';
export * from './openAiWriter.ts';
export * from './parseDraft.ts';
export * from './smsSegments.ts';
export * from './templateWriter.ts';
export * from './variables.ts';

/**
 * The writer an organisation's settings call for: the OpenAI-compatible model when a URL and a
 * model are set, otherwise the offline template writer (so copy works with no LLM at all).
 */
export function copyWriterFor(settings?: LlmSettings | null): CopyWriter {
  if (settings?.baseUrl?.trim() && settings.model?.trim()) return new OpenAiCopyWriter(settings);
  return new TemplateCopyWriter();
}
