import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Which workspace packages each package may import (../shared/DESIGN.md):
 * ml <- analytics <- server <- cli; web talks to server over HTTP only.
 */
export const ALLOWED: Record<string, readonly string[]> = {
  ml: [],
  analytics: ['ml'],
  server: ['analytics', 'ml'],
  cli: ['server', 'analytics', 'ml'],
  web: [],
};

export interface SourceFile {
  /** Package folder name, e.g. "analytics". */
  pkg: string;
  /** Path relative to the repository root, for messages. */
  path: string;
  text: string;
}

const IMPORT_RE =
  /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

export function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Every import that points against the allowed direction, as "file: message". */
export function findLayerViolations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    const allowed = ALLOWED[f.pkg];
    if (!allowed) {
      problems.push(`${f.path}: package "${f.pkg}" has no entry in ALLOWED; add it with its allowed imports`);
      continue;
    }
    for (const spec of importsOf(f.text)) {
      const ws = /^@clientele\/([^/]+)/.exec(spec);
      if (ws && ws[1] !== f.pkg && !allowed.includes(ws[1]!)) {
        problems.push(`${f.path}: imports ${spec}, but ${f.pkg} may import only [${allowed.join(', ')}]`);
      }
      // A relative import that climbs out of its own package is a hidden cross-package edge.
      if (spec.startsWith('.') && /(^|\/)\.\.\/\.\.\/\.\.\//.test(spec)) {
        const depth = f.path.split('/').length - 3; // packages/<pkg>/<...>/file
        const ups = spec.split('/').filter((s) => s === '..').length;
        if (ups > depth) problems.push(`${f.path}: relative import ${spec} leaves package ${f.pkg}`);
      }
    }
  }
  return problems;
}

/** Rules for the pure numeric library: no I/O, no unseeded randomness, no console. */
export function findMlPurityViolations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const f of files.filter((x) => x.pkg === 'ml')) {
    const code = stripComments(f.text);
    if (/\bMath\.random\b/.test(code)) problems.push(`${f.path}: uses Math.random; take a seed and use Rng`);
    if (/\bconsole\./.test(code)) problems.push(`${f.path}: uses console; ml reports through return values`);
    for (const spec of importsOf(f.text)) {
      if (!spec.startsWith('.'))
        problems.push(`${f.path}: imports ${spec}; ml imports nothing outside itself`);
    }
  }
  return problems;
}

/**
 * The server's store is written once against Kysely; PGlite and pg are two dialects of it, chosen
 * in one place (STYLE.md 7). Only these files may import the drivers themselves.
 */
export const STORE_DRIVER_FILES: readonly string[] = [
  'packages/server/src/store/openStore.ts',
  'packages/server/src/store/pgliteDialect.ts',
];
const STORE_DRIVERS = /^(pg|pg-pool|@electric-sql\/pglite)(\/|$)/;

/** Server rules: database drivers only where the dialect is chosen. */
export function findServerViolations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const f of files.filter((x) => x.pkg === 'server')) {
    if (STORE_DRIVER_FILES.includes(f.path)) continue;
    for (const spec of importsOf(f.text)) {
      if (STORE_DRIVERS.test(spec))
        problems.push(
          `${f.path}: imports ${spec}; go through the Store (Kysely) that store/openStore.ts opens`,
        );
    }
  }
  return problems;
}

/** Drops comments so prose that names a banned call does not trip the checks. */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

/** Reads every .ts/.tsx source file under packages/<pkg>/src. */
export function readSources(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const pkgsDir = join(root, 'packages');
  for (const pkg of readdirSync(pkgsDir)) {
    const src = join(pkgsDir, pkg, 'src');
    if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) continue;
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (/\.tsx?$/.test(name))
          files.push({ pkg, path: relative(root, full), text: readFileSync(full, 'utf8') });
      }
    };
    walk(src);
  }
  return files;
}
