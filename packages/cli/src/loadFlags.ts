import { type BadRowPolicy, FILE_FORMATS, type FileFormat, type LoadOptions } from '@clientele/analytics';
import type { Command } from 'commander';
import { UsageError } from './errors.ts';
import { parsePairs } from './options.ts';

/** The flags every command that reads a customer file shares. */
export interface LoadFlags {
  format?: FileFormat;
  encoding?: string;
  delimiter?: string;
  header?: boolean;
  types?: Record<string, string>;
  badRows: BadRowPolicy;
}

export function addLoadFlags(cmd: Command): Command {
  return cmd
    .option('--format <f>', `${FILE_FORMATS.join(' | ')} (default: sniffed from the file)`, parseFormat)
    .option('--encoding <e>', 'utf-8 | iso-8859-1 | windows-1252 | utf-16le | utf-16be (default: sniffed)')
    .option('--delimiter <d>', 'CSV field separator (default: sniffed)')
    .option('--no-header', 'the CSV has no header row (default: sniffed)')
    .option(
      '--types <col=TYPE,...>',
      'column types over the sniffed ones, e.g. code=VARCHAR,amount=DOUBLE',
      parseTypes,
    )
    .option(
      '--bad-rows <policy>',
      'stop at a malformed row, or skip it and list it: stop | skip',
      parseBadRows,
      'stop',
    );
}

export function loadOptions(flags: LoadFlags): LoadOptions {
  return {
    format: flags.format,
    encoding: flags.encoding,
    delimiter: flags.delimiter,
    // Commander defaults header to true when --no-header exists; only false was asked for.
    header: flags.header === false ? false : undefined,
    types: flags.types,
    badRows: flags.badRows,
  };
}

function parseFormat(value: string): FileFormat {
  if (!(FILE_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--format must be one of ${FILE_FORMATS.join(', ')}, got "${value}"`);
  }
  return value as FileFormat;
}

function parseBadRows(value: string): BadRowPolicy {
  if (value !== 'stop' && value !== 'skip')
    throw new UsageError(`--bad-rows must be stop or skip, got "${value}"`);
  return value;
}

/** `code=VARCHAR,amount=DOUBLE`; a column name may hold '='. The last --types given wins. */
function parseTypes(value: string): Record<string, string> {
  return parsePairs('--types', value, { pair: 'column=TYPE', example: 'code=VARCHAR', splitAtLast: true });
}

/** Keys to snake_case for JSON output (scripts read n_rows, not nRows); data-valued maps are left alone. */
export function snakeKeys(value: unknown, keep: ReadonlySet<string> = new Set(['suggestion'])): unknown {
  if (Array.isArray(value)) return value.map((v) => snakeKeys(v, keep));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = keep.has(k) ? v : snakeKeys(v, keep);
  }
  return out;
}
