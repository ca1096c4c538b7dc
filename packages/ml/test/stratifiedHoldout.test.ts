import { describe, expect, it } from 'vitest';
import { Rng } from '../src/random.ts';
import { stratifiedHoldout } from '../src/validation/stratifiedHoldout.ts';
import { expectMlError } from './helpers.ts';

const TIERS = ['Low', 'Moderate', 'High', 'Critical'];

/** Tier labels with the given counts, rows in a seeded random order. */
function strataWithCounts(counts: Record<string, number>, seed: number): string[] {
  const out: string[] = [];
  for (const [name, c] of Object.entries(counts)) for (let i = 0; i < c; i++) out.push(name);
  const order = new Rng(seed).shuffle(Int32Array.from(out.keys()));
  return Array.from(order, (i) => out[i]!);
}

function heldPerStratum(strata: readonly string[], held: Uint8Array): Record<string, number> {
  const out: Record<string, number> = {};
  strata.forEach((s, i) => {
    out[s] = (out[s] ?? 0) + held[i]!;
  });
  return out;
}

function heldRows(held: Uint8Array): number[] {
  return [...held.keys()].filter((i) => held[i] === 1);
}

describe('stratifiedHoldout', () => {
  it('holds out round(share * n) rows of each stratum when the quotas are whole or clear', () => {
    const strata = strataWithCounts({ Low: 5000, Moderate: 3000, High: 1500, Critical: 500 }, 1);
    const held = stratifiedHoldout(strata, 0.1, 42);
    expect(held).toBeInstanceOf(Uint8Array);
    expect(held.length).toBe(10_000);
    expect(heldPerStratum(strata, held)).toEqual({ Low: 500, Moderate: 300, High: 150, Critical: 50 });
    expect([...held].every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('gives each stratum floor or ceil of its quota and the total round(share * n)', () => {
    // Quotas 103.7, 41.6, 12.3, 3.7: floors 159, total round(161.3) = 161, the two extra rows to the
    // largest remainders (Low and Critical, .7 each).
    const counts = { Low: 1037, Moderate: 416, High: 123, Critical: 37 };
    const strata = strataWithCounts(counts, 2);
    const held = stratifiedHoldout(strata, 0.1, 7);
    expect(heldPerStratum(strata, held)).toEqual({ Low: 104, Moderate: 41, High: 12, Critical: 4 });
    expect(heldRows(held).length).toBe(161);
  });

  it('keeps the total near the share when every stratum is small', () => {
    // Rounding each stratum alone would hold out 1 of each 5 (20%); the total here is round(2) = 2.
    const strata = strataWithCounts({ a: 5, b: 5, c: 5, d: 5 }, 3);
    const held = stratifiedHoldout(strata, 0.1, 11);
    const per = heldPerStratum(strata, held);
    expect(heldRows(held).length).toBe(2);
    expect(Object.values(per).every((v) => v === 0 || v === 1)).toBe(true);
    // Equal remainders and sizes: names in order decide, so a and b.
    expect(per).toEqual({ a: 1, b: 1, c: 0, d: 0 });
    // Equal remainders (3.5 and 1.5), total round(5) = 5 over floors 4: the larger stratum gets it.
    const two = strataWithCounts({ small: 3, large: 7 }, 4);
    expect(heldPerStratum(two, stratifiedHoldout(two, 0.5, 1))).toEqual({ small: 1, large: 4 });
  });

  it('holds out exactly round(share * n) of a single stratum, halves up', () => {
    for (const [n, share, expected] of [
      [25, 0.1, 3],
      [24, 0.1, 2],
      [7, 0.5, 4],
      [1, 0.4, 0],
      [1, 0.5, 1],
      [100, 0.29, 29],
      [2000, 0.1, 200],
    ] as const) {
      const held = stratifiedHoldout(Array(n).fill('x'), share, 5);
      expect(heldRows(held).length, `n ${n} share ${share}`).toBe(expected);
    }
  });

  it('gives the same draw for the same input and seed, and another draw for another seed', () => {
    const strata = strataWithCounts({ Low: 400, Moderate: 300, High: 200, Critical: 100 }, 4);
    const a = stratifiedHoldout(strata, 0.2, 42);
    const b = stratifiedHoldout([...strata], 0.2, 42);
    const c = stratifiedHoldout(strata, 0.2, 43);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Another seed changes the rows but not the counts.
    expect(heldPerStratum(strata, c)).toEqual(heldPerStratum(strata, a));
    // Two seeds share about share^2 of the rows, not all of them.
    const both = heldRows(a).filter((i) => c[i] === 1).length;
    expect(both).toBeGreaterThan(10);
    expect(both).toBeLessThan(80);
  });

  it('draws each stratum on its own: other strata moving around do not change it', () => {
    const strata = strataWithCounts({ Low: 300, High: 100 }, 5);
    const held = stratifiedHoldout(strata, 0.1, 9);
    const rankOfHeldHigh = (s: string[], h: Uint8Array) => {
      const ranks: number[] = [];
      let r = 0;
      s.forEach((t, i) => {
        if (t !== 'High') return;
        if (h[i] === 1) ranks.push(r);
        r++;
      });
      return ranks;
    };
    // Put every High row first, keeping their order: the same High members (by rank) are held out.
    const moved = [...strata.filter((s) => s === 'High'), ...strata.filter((s) => s === 'Low')];
    expect(rankOfHeldHigh(moved, stratifiedHoldout(moved, 0.1, 9))).toEqual(rankOfHeldHigh(strata, held));
    // Adding a third stratum of whole quota leaves High's draw alone too.
    const more = [...strata, ...Array(50).fill('Critical')];
    expect(rankOfHeldHigh(more, stratifiedHoldout(more, 0.1, 9))).toEqual(rankOfHeldHigh(strata, held));
  });

  it('draws uniformly within a stratum', () => {
    // Each of 20 rows held out 5 of 20 times over 4000 seeds: about 1000 each (sd ~27).
    const hits = new Float64Array(20);
    const strata = Array(20).fill('Low');
    for (let seed = 0; seed < 4000; seed++) {
      const held = stratifiedHoldout(strata, 0.25, seed);
      for (let i = 0; i < 20; i++) hits[i]! += held[i];
    }
    for (const h of hits) {
      expect(h).toBeGreaterThan(880);
      expect(h).toBeLessThan(1120);
    }
  });

  it('holds out nobody at share 0 and handles empty input', () => {
    expect(heldRows(stratifiedHoldout(TIERS, 0, 1))).toEqual([]);
    expect(stratifiedHoldout([], 0.1, 1)).toEqual(new Uint8Array(0));
  });

  it('rejects a share outside [0, 1) and a fractional seed', () => {
    for (const share of [-0.1, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectMlError(() => stratifiedHoldout(TIERS, share, 1), 'BAD_OPTION');
    }
    expectMlError(() => stratifiedHoldout(TIERS, 0.1, 1.5), 'BAD_OPTION');
    expectMlError(() => stratifiedHoldout(TIERS, 0.1, Number.NaN), 'BAD_OPTION');
  });
});
