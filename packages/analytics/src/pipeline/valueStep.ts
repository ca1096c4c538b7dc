import { MlError } from '@clientele/ml';
import { InputError } from '../errors.ts';
import { compareGroups } from '../evidence/compareGroups.ts';
import type { LoadedTable } from '../ingest/loadTable.ts';
import { analyseClv } from '../value/clvAnalysis.ts';
import { forecastRevenue, type SeriesForecast } from '../value/revenueForecast.ts';
import type { CustomerMatrix } from './customerMatrix.ts';
import type { RunConfig } from './runConfig.ts';
import type { SegmentReport, ValueReport } from './runReport.ts';

type Lang = 'en' | 'es' | 'pt';

/** The sentences of the value step, in the report's three languages. */
const WORDS: Record<Lang, Record<string, (...a: string[]) => string>> = {
  en: {
    topSegment: (name) => `the segment with the highest revenue per customer ("${name}")`,
    topShare: (share) => `the top ${share} of customers by expected lifetime value`,
    h1: () => 'Insiders buy more than 10% of all items',
    h2: () => 'Insiders bring more than 10% of all revenue',
    h3: () => 'Insiders return a smaller share of what they buy than the average customer',
    t1: () => 'Insiders spend more per customer than the rest (Welch t-test)',
    t2: () => 'Insiders buy more often than the rest (Mann-Whitney U)',
    share: (x) => `share ${x}`,
    returns: (a, b) => `returned ${a} of items vs ${b} for everyone`,
    yes: () => 'holds',
    no: () => 'does not hold',
    enter: (f, v) => `${f} at least ${v} (three in four Insiders are above)`,
    enterLow: (f, v) => `${f} at most ${v} (three in four Insiders are below)`,
    leave: (f, v) => `an Insider whose ${f} falls below ${v} (the lowest among Insiders) leaves`,
    leaveLow: (f, v) => `an Insider whose ${f} rises above ${v} (the highest among Insiders) leaves`,
    reward: (n, s, r) =>
      `Reward the ${n} Insiders (${s} of customers, ${r} of revenue) with a loyalty programme: early access, free delivery, a personal contact.`,
    winBack: (n) =>
      `Win back the ${n} customers with above-median spend whose probability of still being active is below 50%.`,
    grow: (name) =>
      `Grow the next segment ("${name}") towards the Insiders' thresholds with targeted offers.`,
  },
  es: {
    topSegment: (name) => `el segmento con más ingresos por cliente ("${name}")`,
    topShare: (share) => `el ${share} de clientes con mayor valor de vida esperado`,
    h1: () => 'Los Insiders compran más del 10% de todos los artículos',
    h2: () => 'Los Insiders aportan más del 10% de los ingresos',
    h3: () => 'Los Insiders devuelven una parte menor de lo que compran que el cliente medio',
    t1: () => 'Los Insiders gastan más por cliente que el resto (prueba t de Welch)',
    t2: () => 'Los Insiders compran con más frecuencia que el resto (U de Mann-Whitney)',
    share: (x) => `proporción ${x}`,
    returns: (a, b) => `devolvieron ${a} de los artículos frente a ${b} del total`,
    yes: () => 'se cumple',
    no: () => 'no se cumple',
    enter: (f, v) => `${f} de al menos ${v} (tres de cada cuatro Insiders lo superan)`,
    enterLow: (f, v) => `${f} de como máximo ${v} (tres de cada cuatro Insiders están por debajo)`,
    leave: (f, v) => `un Insider cuyo ${f} baja de ${v} (el mínimo entre los Insiders) sale`,
    leaveLow: (f, v) => `un Insider cuyo ${f} sube por encima de ${v} (el máximo entre los Insiders) sale`,
    reward: (n, s, r) =>
      `Premiar a los ${n} Insiders (${s} de los clientes, ${r} de los ingresos) con un programa de fidelidad: acceso anticipado, envío gratis, un contacto personal.`,
    winBack: (n) =>
      `Recuperar a los ${n} clientes con gasto superior a la mediana cuya probabilidad de seguir activos es menor del 50%.`,
    grow: (name) =>
      `Acercar el siguiente segmento ("${name}") a los umbrales de los Insiders con ofertas dirigidas.`,
  },
  pt: {
    topSegment: (name) => `o segmento com maior receita por cliente ("${name}")`,
    topShare: (share) => `os ${share} de clientes com maior valor de vida esperado`,
    h1: () => 'Os Insiders compram mais de 10% de todos os itens',
    h2: () => 'Os Insiders trazem mais de 10% da receita',
    h3: () => 'Os Insiders devolvem uma parte menor do que compram que o cliente médio',
    t1: () => 'Os Insiders gastam mais por cliente que os demais (teste t de Welch)',
    t2: () => 'Os Insiders compram com mais frequência que os demais (U de Mann-Whitney)',
    share: (x) => `participação ${x}`,
    returns: (a, b) => `devolveram ${a} dos itens contra ${b} do total`,
    yes: () => 'confirmada',
    no: () => 'não confirmada',
    enter: (f, v) => `${f} de pelo menos ${v} (três em cada quatro Insiders estão acima)`,
    enterLow: (f, v) => `${f} de no máximo ${v} (três em cada quatro Insiders estão abaixo)`,
    leave: (f, v) => `um Insider cujo ${f} cai abaixo de ${v} (o mínimo entre os Insiders) sai`,
    leaveLow: (f, v) => `um Insider cujo ${f} sobe acima de ${v} (o máximo entre os Insiders) sai`,
    reward: (n, s, r) =>
      `Recompensar os ${n} Insiders (${s} dos clientes, ${r} da receita) com um programa de fidelidade: acesso antecipado, frete grátis, um contato pessoal.`,
    winBack: (n) =>
      `Reconquistar os ${n} clientes com gasto acima da mediana cuja probabilidade de ainda estarem ativos é menor que 50%.`,
    grow: (name) =>
      `Levar o próximo segmento ("${name}") aos limiares dos Insiders com ofertas direcionadas.`,
  },
};

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const num = (x: number): string => String(Number(x.toPrecision(4)));

export interface ValueStep {
  report: ValueReport;
  insider: Uint8Array;
  clv: Float64Array;
  probabilityAlive: Float64Array;
}

/**
 * The Insiders and their evidence, for a transaction log: CLV per customer (BG/NBD +
 * Gamma-Gamma), the Insiders (the top segment by revenue per customer, or the top share by CLV),
 * what characterises them and the thresholds to enter and to leave, their revenue forecast,
 * the seed's hypotheses and Insiders-versus-rest tests with verdicts, and suggested actions.
 */
export async function runValue(
  t: LoadedTable,
  c: CustomerMatrix,
  seg: { labels: Int32Array; k: number; segments: SegmentReport[] },
  config: RunConfig['value'],
  lang: Lang,
  seed: number,
): Promise<ValueStep> {
  const w = WORDS[lang];
  const n = c.ids.length;
  const revenue = c.revenue!;

  const clvRun = await analyseClv(t, {
    horizon: config.horizonMonths,
    discountRate: config.discountRate,
    intervalDraws: 0,
    seed,
  });
  const clvById = new Map(clvRun.customers.ids.map((id, i) => [id, i]));
  const clv = new Float64Array(n);
  const alive = new Float64Array(n).fill(Number.NaN);
  for (let i = 0; i < n; i++) {
    const j = clvById.get(c.ids[i]!);
    if (j === undefined) continue;
    clv[i] = clvRun.clv[j]!;
    alive[i] = clvRun.probabilityAlive[j]!;
  }

  // Who the Insiders are.
  const insider = new Uint8Array(n);
  let rule: string;
  let segment: number | null = null;
  if (config.insiders === 'top-segment') {
    const perCustomer = seg.segments.map((s) => {
      let sum = 0;
      for (let i = 0; i < n; i++) if (seg.labels[i] === s.id) sum += revenue[i]!;
      return s.size > 0 ? sum / s.size : Number.NEGATIVE_INFINITY;
    });
    segment = perCustomer.indexOf(Math.max(...perCustomer));
    for (let i = 0; i < n; i++) insider[i] = seg.labels[i] === segment ? 1 : 0;
    rule = w.topSegment!(seg.segments[segment]!.name);
  } else {
    const share = config.insiders.topShareByClv;
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => clv[b]! - clv[a]! || a - b);
    for (const i of order.slice(0, Math.max(1, Math.round(share * n)))) insider[i] = 1;
    rule = w.topShare!(pct(share));
  }
  const count = insider.reduce((a, v) => a + v, 0);
  const total = (x: Float64Array | null, only: boolean): number => {
    if (!x) return 0;
    let s = 0;
    for (let i = 0; i < n; i++) if (!only || insider[i]) s += x[i]!;
    return s;
  };
  const revenueAll = total(revenue, false);
  const revenueShare = revenueAll > 0 ? total(revenue, true) / revenueAll : 0;
  const itemsAll = total(c.items, false);
  const itemsShare = itemsAll > 0 ? total(c.items, true) / itemsAll : 0;

  // What characterises them, and the thresholds.
  const profile = c.features.map((feature, j) => {
    let si = 0;
    let sa = 0;
    for (let i = 0; i < n; i++) {
      const v = c.x.data[i * c.x.cols + j]!;
      sa += v;
      if (insider[i]) si += v;
    }
    return { feature, insiders: count > 0 ? si / count : 0, everyone: sa / n };
  });
  const conditions: string[] = [];
  const insiderSegment = segment === null ? null : seg.segments[segment]!;
  if (insiderSegment) {
    for (const d of insiderSegment.drivers.slice(0, 3)) {
      const st = insiderSegment.stats.find((s) => s.feature === d.feature);
      if (!st) continue;
      conditions.push(
        d.direction === 'higher' ? w.enter!(d.feature, num(st.q1)) : w.enterLow!(d.feature, num(st.q3)),
      );
    }
    for (const d of insiderSegment.drivers.slice(0, 2)) {
      const st = insiderSegment.stats.find((s) => s.feature === d.feature);
      if (!st) continue;
      conditions.push(
        d.direction === 'higher' ? w.leave!(d.feature, num(st.min)) : w.leaveLow!(d.feature, num(st.max)),
      );
    }
  }

  // Their revenue in the coming months.
  await t.db.run('CREATE OR REPLACE TABLE run_insiders (customer_id VARCHAR, segment VARCHAR)');
  const app = await t.db.createAppender('run_insiders');
  for (let i = 0; i < n; i++) {
    app.appendVarchar(c.ids[i]!);
    app.appendVarchar(insider[i] ? 'Insiders' : 'Rest');
    app.endRow();
  }
  app.closeSync();
  // A log shorter than a few whole months has no forecast; the rest of the analysis still stands.
  let insidersSeries: SeriesForecast | undefined;
  let forecastNote = '';
  try {
    const fc = await forecastRevenue(t, {
      months: config.forecastMonths,
      segmentsTable: 'run_insiders',
      seed,
    });
    insidersSeries = fc.series.find((s) => s.name === 'Insiders');
  } catch (err) {
    if (!(err instanceof MlError || err instanceof InputError)) throw err;
    forecastNote = err.message;
  }

  // The evidence: a customer table with the group, tested by the same code as `clientele test`.
  await t.db.run(
    'CREATE OR REPLACE TABLE run_customers (customer_id VARCHAR, "group" VARCHAR, revenue DOUBLE, purchases DOUBLE, return_rate DOUBLE)',
  );
  const purchasesJ = c.features.indexOf('purchases');
  const app2 = await t.db.createAppender('run_customers');
  for (let i = 0; i < n; i++) {
    const items = c.items?.[i] ?? 0;
    app2.appendVarchar(c.ids[i]!);
    app2.appendVarchar(insider[i] ? 'Insiders' : 'Rest');
    app2.appendDouble(revenue[i]!);
    app2.appendDouble(purchasesJ >= 0 ? c.x.data[i * c.x.cols + purchasesJ]! : 0);
    app2.appendDouble(items > 0 ? (c.returns?.[i] ?? 0) / items : 0);
    app2.endRow();
  }
  app2.closeSync();
  const src = {
    db: t.db,
    table: 'run_customers',
    columns: [
      { name: 'customer_id', type: 'VARCHAR' },
      { name: 'group', type: 'VARCHAR' },
      { name: 'revenue', type: 'DOUBLE' },
      { name: 'purchases', type: 'DOUBLE' },
      { name: 'return_rate', type: 'DOUBLE' },
    ],
  };
  const evidence: ValueReport['evidence'] = [
    {
      id: 'items-share',
      statement: w.h1!(),
      figure: w.share!(pct(itemsShare)),
      holds: itemsShare > 0.1,
      verdict: '',
    },
    {
      id: 'revenue-share',
      statement: w.h2!(),
      figure: w.share!(pct(revenueShare)),
      holds: revenueShare > 0.1,
      verdict: '',
    },
  ];
  for (const e of evidence) e.verdict = e.holds ? w.yes!() : w.no!();
  const canTest = count >= 2 && n - count >= 2;
  if (canTest) {
    const returnsIns = total(c.returns, true) / Math.max(1, total(c.items, true));
    const returnsAll = total(c.returns, false) / Math.max(1, itemsAll);
    const r3 = await compareGroups(src, {
      kind: 'mannwhitney',
      group: 'group',
      metric: 'return_rate',
      groups: ['Rest', 'Insiders'],
      alternative: 'less',
    });
    evidence.push({
      id: 'returns-below-average',
      statement: w.h3!(),
      figure: w.returns!(pct(returnsIns), pct(returnsAll)),
      holds: returnsIns < returnsAll && r3.significant,
      verdict: r3.verdict,
    });
    for (const [id, statement, metric, kind] of [
      ['revenue-above-rest', w.t1!(), 'revenue', 'welch'],
      ['purchases-above-rest', w.t2!(), 'purchases', 'mannwhitney'],
    ] as const) {
      const r = await compareGroups(src, {
        kind,
        group: 'group',
        metric,
        groups: ['Rest', 'Insiders'],
        alternative: 'greater',
      });
      evidence.push({
        id,
        statement,
        figure: r.p_value === null ? '' : `p = ${r.p_value.toExponential(2)}`,
        holds: r.significant,
        verdict: r.verdict,
      });
    }
  }

  // Suggested actions.
  const medianRevenue = [...revenue].sort((a, b) => a - b)[Math.floor(n / 2)]!;
  let atRisk = 0;
  for (let i = 0; i < n; i++) if (alive[i]! < 0.5 && revenue[i]! > medianRevenue) atRisk++;
  const actions = [w.reward!(String(count), pct(count / n), pct(revenueShare)), w.winBack!(String(atRisk))];
  if (segment !== null) {
    const others = seg.segments
      .filter((s) => s.id !== segment)
      .sort((a, b) => (b.revenueShare ?? 0) - (a.revenueShare ?? 0));
    if (others[0]) actions.push(w.grow!(others[0].name));
  }

  return {
    report: {
      customers: n,
      revenue: revenueAll,
      insiders: {
        rule,
        segment,
        count,
        customerShare: count / n,
        revenueShare,
        itemsShare,
        profile,
        conditions,
        forecast: insidersSeries?.forecast ?? [],
        forecastModel: insidersSeries ? `${insidersSeries.model}: ${insidersSeries.reason}` : forecastNote,
        clv: { horizonMonths: config.horizonMonths, insiders: total(clv, true), everyone: total(clv, false) },
      },
      evidence,
      changes: null,
      actions,
      bgnbd: { r: clvRun.bgnbd.r, alpha: clvRun.bgnbd.alpha, a: clvRun.bgnbd.a, b: clvRun.bgnbd.b },
    },
    insider,
    clv,
    probabilityAlive: alive,
  };
}
