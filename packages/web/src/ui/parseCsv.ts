/**
 * A small RFC 4180 reader for the server's CSV exports: comma-separated, fields optionally in
 * double quotes ("" for a quote inside), CRLF or LF line ends. Returns the header and the rows as
 * records; a trailing empty line is ignored.
 */
export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines: string[][] = [];
  let field = '';
  let line: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      line.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line.push(field);
      lines.push(line);
      line = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || line.length > 0) {
    line.push(field);
    lines.push(line);
  }
  const [header = [], ...body] = lines;
  const rows = body
    .filter((l) => !(l.length === 1 && l[0] === ''))
    .map((l) => Object.fromEntries(header.map((h, i) => [h, l[i] ?? ''])));
  return { header, rows };
}
