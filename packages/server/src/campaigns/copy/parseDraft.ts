/**
 * A model's answer -> `{ subject?, body }`, forgiving the usual ways models miss "JSON only":
 * reasoning in `<think>` blocks, code fences, prose around the object, raw line breaks inside
 * strings, other key names (message, text, title), a body given as a list of lines, or no JSON
 * at all (then the text is the body, with a "Subject:" line taken as the subject). Returns null
 * when nothing usable is left.
 */
export function parseDraft(answer: string): { subject?: string; body: string } | null {
  let text = answer.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const fence = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/.exec(text);
  if (fence) text = fence[1]!.trim();
  if (text === '') return null;

  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start >= 0 && end > start) {
    const object = parseObject(text.slice(start, end + 1));
    if (object) {
      const body = stringOf(object['body'] ?? object['message'] ?? object['text'] ?? object['content']);
      const subject = stringOf(object['subject'] ?? object['title']);
      if (body) return subject ? { subject, body } : { body };
    }
  }
  if (text.startsWith('{')) return null;
  // Plain text: "Subject: ..." on the first line, when the model wrote an e-mail as prose.
  const subjectLine = /^\s*(subject|asunto|assunto)\s*:\s*(.+)\s*$/im.exec(text);
  if (subjectLine && text.indexOf(subjectLine[0]) === 0) {
    const body = text.slice(subjectLine[0].length).trim();
    return body ? { subject: subjectLine[2]!.trim(), body } : null;
  }
  return { body: text };
}

function parseObject(json: string): Record<string, unknown> | null {
  for (const candidate of [json, escapeRawNewlines(json)]) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (value && typeof value === 'object' && !Array.isArray(value))
        return value as Record<string, unknown>;
    } catch {
      // try the next reading
    }
  }
  return null;
}

/** Line breaks and tabs typed raw inside JSON strings (invalid JSON) -> their escapes. */
function escapeRawNewlines(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (inString && ch === '\\') {
      out += ch + (json[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') inString = !inString;
    if (inString && ch === '\n') out += '\\n';
    else if (inString && ch === '\r') out += '\\r';
    else if (inString && ch === '\t') out += '\\t';
    else out += ch;
  }
  return out;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.join('\n').trim() || undefined;
  return undefined;
}
