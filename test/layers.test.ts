import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALLOWED,
  findLayerViolations,
  findMlPurityViolations,
  findServerViolations,
  importsOf,
  readSources,
} from '../scripts/layers.ts';

const root = join(import.meta.dirname, '..');

describe('package layering (DESIGN.md: ml <- analytics <- server <- cli)', () => {
  const sources = readSources(root);

  it('reads the sources of every package', () => {
    const pkgs = new Set(sources.map((s) => s.pkg));
    expect([...pkgs].sort()).toEqual(expect.arrayContaining(['analytics', 'cli', 'ml', 'server']));
  });

  it('has no import against the direction', () => {
    expect(findLayerViolations(sources)).toEqual([]);
  });

  it('keeps ml pure: no I/O, no Math.random, no console', () => {
    expect(findMlPurityViolations(sources)).toEqual([]);
  });

  it('lets only cli import server, and server only analytics and ml', () => {
    const importers = Object.keys(ALLOWED).filter((pkg) => ALLOWED[pkg]!.includes('server'));
    expect(importers).toEqual(['cli']);
    expect([...ALLOWED['server']!].sort()).toEqual(['analytics', 'ml']);
  });

  it('keeps the database drivers inside the server store', () => {
    expect(findServerViolations(sources)).toEqual([]);
    const bad = [
      { pkg: 'server', path: 'packages/server/src/http/x.ts', text: "import pg from 'pg';" },
      {
        pkg: 'server',
        path: 'packages/server/src/store/repos/y.ts',
        text: "import { PGlite } from '@electric-sql/pglite';",
      },
      { pkg: 'server', path: 'packages/server/src/store/openStore.ts', text: "import pg from 'pg';" },
      { pkg: 'server', path: 'packages/server/src/z.ts', text: "import { sql } from 'kysely';" },
    ];
    expect(findServerViolations(bad)).toHaveLength(2);
  });

  it('declares in package.json only the workspace packages it may import', () => {
    for (const pkg of new Set(sources.map((s) => s.pkg))) {
      const manifest = JSON.parse(readFileSync(join(root, 'packages', pkg, 'package.json'), 'utf8'));
      const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
        .filter((d) => d.startsWith('@clientele/'))
        .map((d) => d.slice('@clientele/'.length));
      for (const d of deps) expect(ALLOWED[pkg], `${pkg} depends on ${d}`).toContain(d);
    }
  });

  it('catches a wrong-way import (the checker itself works)', () => {
    const bad = [
      { pkg: 'ml', path: 'packages/ml/src/a.ts', text: "import { x } from '@clientele/analytics';" },
      { pkg: 'analytics', path: 'packages/analytics/src/b.ts', text: "export * from '@clientele/cli';" },
      {
        pkg: 'analytics',
        path: 'packages/analytics/src/c.ts',
        text: "const m = await import('@clientele/server');",
      },
      { pkg: 'cli', path: 'packages/cli/src/d.ts', text: "import '@clientele/ml';" },
      { pkg: 'web', path: 'packages/web/src/e.tsx', text: "import type { A } from '@clientele/server';" },
      { pkg: 'server', path: 'packages/server/src/f.ts', text: "import { run } from '@clientele/cli';" },
      {
        pkg: 'analytics',
        path: 'packages/analytics/src/g.ts',
        text: "import { openStore } from '@clientele/server';",
      },
      {
        pkg: 'server',
        path: 'packages/server/src/h.ts',
        text: "import { analyze } from '@clientele/analytics';",
      },
    ];
    const problems = findLayerViolations(bad);
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/packages\/web\/src\/e.tsx/);
  });

  it('catches impurity in ml', () => {
    const bad = [
      {
        pkg: 'ml',
        path: 'packages/ml/src/a.ts',
        text: "import { readFileSync } from 'node:fs';\nMath.random();",
      },
    ];
    expect(findMlPurityViolations(bad)).toHaveLength(2);
    expect(importsOf("import { a } from './a.ts';\nexport { b } from '../b.ts';")).toEqual([
      './a.ts',
      '../b.ts',
    ]);
  });
});
