/**
 * report.html of `clientele analyze`: one self-contained HTML5 document (inline CSS, charts as
 * inline SVG drawn on the server, no script, no address to fetch) rendering a RunReport. It
 * answers, in order, the Insiders project's questions (who is eligible, how many, what
 * characterises them, their share of revenue, expected revenue, conditions to enter and to
 * leave, evidence, actions), then segments, churn risk and data quality. Data without value
 * (a snapshot with no purchase values) start with the segments. English, Spanish or
 * Portuguese after `report.lang`; every text from the data is escaped; it computes nothing.
 */
import type { ChurnReport, RunReport, SegmentReport, ValueReport } from '../pipeline/runReport.ts';
import { DASH, escapeHtml, fileNameOf } from '../profile/reportFormat.ts';
import { barChart, forecastChart, scatterSvg, segmentColor, selectionChart } from './charts.ts';
import { Formats } from './format.ts';
import { keyValueTable } from './html.ts';
import { LANGS, type Lang, type MessageKey, type Translate, tierKey, translator } from './i18n.ts';

/** Section ids in the order of a run with value data (Insiders first). */
export const INSIDERS_SECTION_IDS = [
  'insiders-who',
  'insiders-count',
  'insiders-profile',
  'insiders-revenue',
  'insiders-forecast',
  'insiders-conditions',
  'insiders-evidence',
  'insiders-actions',
] as const;

/** The ids of the report's sections, in order, for a run (churn only when it was modelled). */
export function runReportSectionIds(report: RunReport): string[] {
  const ids: string[] = report.value ? [...INSIDERS_SECTION_IDS] : [];
  ids.push('segments');
  if (report.churn) ids.push('churn');
  ids.push('quality');
  return ids;
}

const TIER_ORDER = ['Low', 'Moderate', 'High', 'Critical'];
const TIER_COLORS: Record<string, string> = {
  Low: '#3ba272',
  Moderate: '#e6b422',
  High: '#f08a3e',
  Critical: '#d64545',
};
const MAX_DRIVERS = 5;
const MAX_IMPORTANCE = 15;

interface Ctx {
  t: Translate;
  f: Formats;
  lang: Lang;
  /** Segment name (escaped) by id. */
  segment: (id: number) => string;
}

interface Section {
  id: string;
  title: string;
  body: string;
  /** Starts a new printed page. */
  major?: boolean;
}

export function renderRunReport(report: RunReport): string {
  const lang: Lang = LANGS.includes(report.lang) ? report.lang : 'en';
  const t = translator(lang);
  const f = new Formats(lang);
  const names = new Map(report.segmentation.segments.map((s) => [s.id, s.name]));
  const ctx: Ctx = {
    t,
    f,
    lang,
    segment: (id) => (id < 0 ? t('noise') : escapeHtml(names.get(id) ?? `#${id}`)),
  };

  const sections: Section[] = [];
  if (report.value) sections.push(...insidersSections(report.value, report, ctx));
  sections.push({
    id: 'segments',
    title: t('segments'),
    body: segmentsBody(report, ctx),
    major: true,
  });
  if (report.churn) {
    sections.push({ id: 'churn', title: t('churn'), body: churnBody(report.churn, ctx), major: true });
  }
  sections.push({ id: 'quality', title: t('quality'), body: qualityBody(report, ctx), major: true });

  const file = escapeHtml(fileNameOf(report.input.path));
  const parts = [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${t('titleOf', { file })}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header id="top">\n<h1>${t('titleOf', { file: `<span class="name">${file}</span>` })}</h1>`,
    aboutRun(report, ctx),
    report.value ? '' : `<p class="note">${t('segmentsFirstNote')}</p>`,
    '</header>',
    contents(sections, report.value !== null, ctx),
    ...sections.map(
      (s, i) =>
        `<section id="${s.id}"${s.major ? ' class="major"' : ''}>\n<h2><span class="num">${i + 1}.</span> ${s.title}</h2>\n${s.body}\n</section>`,
    ),
    '</main>',
    '</body>',
    '</html>',
    '',
  ];
  return parts.filter((p) => p !== '').join('\n');
}

// ---------------------------------------------------------------------------------------------
// Header

function aboutRun(r: RunReport, { t, f }: Ctx): string {
  const rows: [string, string][] = [
    [t('input'), `<code class="name">${escapeHtml(r.input.path)}</code>`],
    [t('kind'), r.kind === 'transactions' ? t('kindTransactions') : t('kindSnapshot')],
    [t('rows'), f.count(r.input.rows)],
    [t('columns'), f.count(r.input.columns)],
    [t('createdAt'), escapeHtml(f.date(r.createdAt))],
    [t('seed'), escapeHtml(String(r.seed))],
    [t('checksum'), `<code class="hash">${escapeHtml(r.input.sha256)}</code>`],
  ];
  return `<div class="about">\n<h2 class="sub">${t('aboutRun')}</h2>\n${keyValueTable(rows)}\n</div>`;
}

function contents(sections: Section[], insiders: boolean, { t }: Ctx): string {
  const item = (s: Section, i: number) => `<li value="${i + 1}"><a href="#${s.id}">${s.title}</a></li>`;
  const lists: string[] = [];
  if (insiders) {
    const n = INSIDERS_SECTION_IDS.length;
    lists.push(
      `<h3>${t('insidersPart')}</h3>\n<ol>\n${sections
        .slice(0, n)
        .map((s, i) => item(s, i))
        .join('\n')}\n</ol>`,
      `<h3>${t('otherPart')}</h3>\n<ol start="${n + 1}">\n${sections
        .slice(n)
        .map((s, i) => item(s, i + n))
        .join('\n')}\n</ol>`,
    );
  } else {
    lists.push(`<ol>\n${sections.map((s, i) => item(s, i)).join('\n')}\n</ol>`);
  }
  return `<nav id="contents" aria-label="${t('contents')}">\n<h2 class="sub">${t('contents')}</h2>\n${lists.join('\n')}\n</nav>`;
}

// ---------------------------------------------------------------------------------------------
// Insiders

function insidersSections(v: ValueReport, r: RunReport, ctx: Ctx): Section[] {
  const { t, f } = ctx;
  const ins = v.insiders;
  const seg = ins.segment === null ? undefined : r.segmentation.segments.find((s) => s.id === ins.segment);

  const who = [
    ins.segment === null
      ? ''
      : `<p class="lead">${t('insidersAre', { segment: `<strong>${ctx.segment(ins.segment)}</strong>` })}</p>`,
    seg && seg.description !== '' ? `<p>${escapeHtml(seg.description)}</p>` : '',
    keyValueTable([
      [t('howChosen'), escapeHtml(ins.rule)],
      [
        t('insidersSegment'),
        ins.segment === null ? `<span class="muted">${t('noSegmentRule')}</span>` : ctx.segment(ins.segment),
      ],
    ]),
  ];

  const count = [
    `<p class="big">${f.count(ins.count)}</p>`,
    `<p class="lead">${t('countSentence', { count: f.count(ins.count), total: f.count(v.customers), share: f.share(ins.customerShare) })}</p>`,
  ];

  const profileRows = ins.profile.map(
    (p) =>
      `<tr><td>${escapeHtml(p.feature)}</td><td class="num">${f.number(p.insiders)}</td><td class="num">${f.number(p.everyone)}</td></tr>`,
  );
  const profile = [
    table([t('feature'), t('insidersMean'), t('everyoneMean')], profileRows, 'profile'),
    seg ? driversList(seg, ctx) : '',
  ];

  const revenue = [
    `<p class="lead">${t('revenueSentence', { customers: f.share(ins.customerShare), revenue: `<strong>${f.share(ins.revenueShare)}</strong>` })}</p>`,
    '<div class="meters">',
    meter(t('shareOfCustomers'), ins.customerShare, f),
    meter(t('shareOfRevenue'), ins.revenueShare, f),
    meter(t('shareOfItems'), ins.itemsShare, f),
    '</div>',
    keyValueTable([[t('totalRevenue'), f.money(v.revenue)]]),
  ];

  const forecast: string[] = [];
  if (ins.forecast.length === 0) {
    forecast.push(`<p class="muted">${t('noForecast')}</p>`);
  } else {
    forecast.push(
      `<figure>${forecastChart(ins.forecast, f, { expected: t('expected'), interval: t('interval') }, t('insidersForecast'))}` +
        `<figcaption>${t('forecastModel')}: ${escapeHtml(ins.forecastModel)}</figcaption></figure>`,
      table(
        [t('month'), t('expected'), t('lower'), t('upper')],
        ins.forecast.map(
          (p) =>
            `<tr><td>${escapeHtml(f.month(p.month))}</td><td class="num">${f.money(p.mean)}</td><td class="num">${f.money(p.lower)}</td><td class="num">${f.money(p.upper)}</td></tr>`,
        ),
        'forecast',
      ),
    );
  }
  const clvRows: [string, string][] = [
    [t('clvInsiders'), f.money(ins.clv.insiders)],
    [t('clvEveryone'), f.money(ins.clv.everyone)],
  ];
  if (v.bgnbd) {
    const b = v.bgnbd;
    clvRows.push([
      t('bgnbd'),
      `r = ${f.number(b.r)}, α = ${f.number(b.alpha)}, a = ${f.number(b.a)}, b = ${f.number(b.b)}`,
    ]);
  }
  forecast.push(
    sub('insiders-clv', t('clvTitle', { months: f.count(ins.clv.horizonMonths) }), [keyValueTable(clvRows)]),
  );

  const conditions = [
    `<p>${t('conditionsLead')}</p>`,
    ins.conditions.length === 0
      ? `<p class="muted">${t('noConditions')}</p>`
      : `<ul class="conditions">\n${ins.conditions.map((c) => `<li>${escapeHtml(c)}</li>`).join('\n')}\n</ul>`,
    changesBlock(v, ctx),
  ];

  const evidence =
    v.evidence.length === 0
      ? `<p class="muted">${t('noEvidence')}</p>`
      : table(
          [t('statement'), t('figure'), t('verdict'), t('holds')],
          v.evidence.map(
            (e) =>
              `<tr><td><span class="muted">${escapeHtml(e.id)}</span> ${escapeHtml(e.statement)}</td><td>${escapeHtml(e.figure)}</td>` +
              `<td>${escapeHtml(e.verdict)}</td><td class="holds">${e.holds ? `<span class="yes" title="${t('yes')}">✓</span>` : `<span class="no" title="${t('no')}">✗</span>`}</td></tr>`,
          ),
          'evidence',
        );

  const actions =
    v.actions.length === 0
      ? `<p class="muted">${t('noActions')}</p>`
      : `<ul class="actions">\n${v.actions.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n')}\n</ul>`;

  const bodies: Record<(typeof INSIDERS_SECTION_IDS)[number], string[]> = {
    'insiders-who': who,
    'insiders-count': count,
    'insiders-profile': profile,
    'insiders-revenue': revenue,
    'insiders-forecast': forecast,
    'insiders-conditions': conditions,
    'insiders-evidence': [evidence],
    'insiders-actions': [actions],
  };
  const titles: Record<(typeof INSIDERS_SECTION_IDS)[number], MessageKey> = {
    'insiders-who': 'insidersWho',
    'insiders-count': 'insidersCount',
    'insiders-profile': 'insidersProfile',
    'insiders-revenue': 'insidersRevenue',
    'insiders-forecast': 'insidersForecast',
    'insiders-conditions': 'insidersConditions',
    'insiders-evidence': 'insidersEvidence',
    'insiders-actions': 'insidersActions',
  };
  return INSIDERS_SECTION_IDS.map((id, i) => ({
    id,
    title: t(titles[id]),
    body: join(bodies[id]),
    major: i === 0,
  }));
}

function meter(label: string, share: number, f: Formats): string {
  const width = Number.isFinite(share) ? Math.max(0, Math.min(1, share)) * 100 : 0;
  return (
    `<div class="meter"><span class="label">${label}</span>` +
    `<span class="bar"><span style="width:${width.toFixed(1)}%"></span></span><span class="value">${f.share(share)}</span></div>`
  );
}

function changesBlock(v: ValueReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const c = v.changes;
  if (!c) return sub('insiders-changes', t('changes'), [`<p class="muted">${t('noPrevious')}</p>`]);
  const examples =
    c.examples.length === 0
      ? ''
      : table(
          [t('customer'), t('change'), t('movedMost'), t('before'), t('after')],
          c.examples.map(
            (e) =>
              `<tr><td><code>${escapeHtml(e.customer)}</code></td><td>${e.change === 'entered' ? t('entered') : t('left')}</td>` +
              `<td>${escapeHtml(e.feature)}</td><td class="num">${f.number(e.before)}</td><td class="num">${f.number(e.after)}</td></tr>`,
          ),
          'changes',
        );
  return sub('insiders-changes', t('changes'), [
    keyValueTable([
      [t('entered'), f.count(c.entered)],
      [t('left'), f.count(c.left)],
      [t('stayed'), f.count(c.stayed)],
    ]),
    examples,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Segments

function segmentsBody(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const s = r.segmentation;
  const lead = `<p class="lead">${t('segmentsLead', {
    k: f.count(s.k),
    algorithm: `<strong>${escapeHtml(s.algorithm)}</strong>`,
    features: f.count(s.features.length),
    scale: escapeHtml(s.scale),
  })}${s.silhouette === null ? '' : ` ${t('silhouette')}: ${f.fixed(s.silhouette, 3)}.`}</p>`;
  return join([
    lead,
    sub('segments-cards', t('segmentCards'), [
      `<div class="cards">\n${s.segments.map((seg) => segmentCard(seg, ctx)).join('\n')}\n</div>`,
    ]),
    meansMatrix(s.segments, s.features, ctx),
    selectionBlock(r, ctx),
    viewsBlock(r, ctx),
    matchedBlock(r, ctx),
    alternativesBlock(r, ctx),
  ]);
}

/** The config's other segmentations side by side with the main one (none in most runs). */
function alternativesBlock(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const others = r.alternatives ?? [];
  if (others.length === 0) return '';
  const row = (
    name: string,
    space: string,
    s: { algorithm: string; k: number; silhouette: number | null; segments: SegmentReport[] },
    onFeatures: number | null,
  ): string =>
    `<tr><td>${escapeHtml(name)}</td><td>${escapeHtml(space)}</td><td>${escapeHtml(s.algorithm)}, k = ${f.count(s.k)}</td>` +
    `<td class="num">${f.fixed(s.silhouette, 3)}</td><td class="num">${f.fixed(onFeatures, 3)}</td>` +
    `<td>${s.segments.map((g) => f.count(g.size)).join(' · ')}</td></tr>`;
  return sub('other-segmentations', t('otherSegmentations'), [
    `<p>${t('otherSegmentationsLead')}</p>`,
    table(
      [t('segmentationName'), t('space'), t('model'), t('silhouette'), t('silhouetteOnFeatures'), t('sizes')],
      [
        row('main', 'features', r.segmentation, r.segmentation.silhouette),
        ...others.map((a) =>
          row(
            `${a.id}: ${a.name}`,
            a.components === null ? a.space : `${a.space} (${a.components})`,
            a,
            a.silhouetteOnFeatures,
          ),
        ),
      ],
      'other-segmentations',
    ),
  ]);
}

function swatch(id: number): string {
  return `<span class="swatch" style="background:${segmentColor(id)}"></span>`;
}

function segmentCard(seg: SegmentReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const facts: [string, string][] = [
    [t('size'), f.countShare(seg.size, seg.share)],
    [t('shareOfRevenue'), f.share(seg.revenueShare)],
  ];
  const statsRows = seg.stats.map(
    (s) =>
      `<tr><td>${escapeHtml(s.feature)}</td><td class="num">${f.number(s.mean)}</td><td class="num">${f.number(s.std)}</td>` +
      `<td class="num">${f.number(s.min)}</td><td class="num">${f.number(s.q1)}</td><td class="num">${f.number(s.median)}</td>` +
      `<td class="num">${f.number(s.q3)}</td><td class="num">${f.number(s.max)}</td>${zCell(s.z, f.signed(s.z))}</tr>`,
  );
  return join([
    `<article class="card" id="segment-${seg.id}">`,
    `<h4>${swatch(seg.id)}<span class="name">${escapeHtml(seg.name)}</span> <span class="muted">#${seg.id}</span></h4>`,
    seg.description === '' ? '' : `<p>${escapeHtml(seg.description)}</p>`,
    '<div class="row">',
    `<div>${keyValueTable(facts)}\n${driversList(seg, ctx)}</div>`,
    `<div class="stats"><h5>${t('statsDetail')}</h5>\n${table(
      [t('feature'), t('mean'), t('std'), t('min'), t('q1'), t('median'), t('q3'), t('max'), t('z')],
      statsRows,
      'stats',
    )}</div>`,
    '</div>',
    '</article>',
  ]);
}

function driversList(seg: SegmentReport, { t, f }: Ctx): string {
  const drivers = seg.drivers.slice(0, MAX_DRIVERS);
  if (drivers.length === 0) return '';
  const top = Math.max(...drivers.map((d) => d.importance), 0);
  const items = drivers.map((d) => {
    const width = top > 0 ? (100 * d.importance) / top : 0;
    const up = d.direction === 'higher';
    return (
      `<li><span class="dir ${up ? 'up' : 'down'}" title="${up ? t('higher') : t('lower_')}">${up ? '▲' : '▼'}</span>` +
      `<span class="feature">${escapeHtml(d.feature)}</span> <span class="muted">${up ? t('higher') : t('lower_')}</span>` +
      `<span class="minibar"><span style="width:${width.toFixed(1)}%"></span></span><span class="num">${f.number(d.importance, 3)}</span></li>`
    );
  });
  return `<h5>${t('drivers')}</h5>\n<ul class="drivers">\n${items.join('\n')}\n</ul>`;
}

/** A table cell shaded by a z-score: red above the mean, blue below, stronger to |z| = 3. */
function zCell(z: number, text: string): string {
  if (!Number.isFinite(z)) return `<td class="num">${DASH}</td>`;
  const a = Math.min(Math.abs(z) / 3, 1) * 0.55;
  const rgb = z >= 0 ? '214,69,69' : '49,110,196';
  return `<td class="num z" style="background:rgba(${rgb},${a.toFixed(2)})">${text}</td>`;
}

function meansMatrix(segments: SegmentReport[], features: string[], ctx: Ctx): string {
  const { t, f } = ctx;
  if (segments.length === 0) return '';
  const order = [...features];
  for (const s of segments) for (const st of s.stats) if (!order.includes(st.feature)) order.push(st.feature);
  const byFeature = segments.map((s) => new Map(s.stats.map((st) => [st.feature, st])));
  const head = `<tr><th>${t('feature')}</th>${segments.map((s) => `<th class="num">${swatch(s.id)}<span class="name">${escapeHtml(s.name)}</span></th>`).join('')}</tr>`;
  const rows = order.map((feature) => {
    const cells = byFeature.map((m) => {
      const st = m.get(feature);
      return st
        ? zCell(st.z, `${f.number(st.mean)}<br><small>z ${f.signed(st.z)}</small>`)
        : `<td class="num">${DASH}</td>`;
    });
    return `<tr><td>${escapeHtml(feature)}</td>${cells.join('')}</tr>`;
  });
  return sub('segments-stats', t('statsTitle'), [
    `<p class="muted">${t('statsLead')}</p>`,
    `<div class="scroll"><table class="grid matrix">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`,
  ]);
}

function selectionBlock(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const s = r.segmentation;
  if (s.selection.length === 0) return '';
  const algorithms = [...new Set(s.selection.map((x) => x.algorithm))];
  const ks = [...new Set(s.selection.map((x) => x.k))].sort((a, b) => a - b);
  const withBic = algorithms.filter((a) => s.selection.some((x) => x.algorithm === a && x.bic !== null));
  const cell = new Map(s.selection.map((x) => [`${x.algorithm}\u0000${x.k}`, x]));
  const head = [
    t('k'),
    ...algorithms.map((a) => `${t('silhouette')}: ${escapeHtml(a)}`),
    ...withBic.map((a) => `${t('bic')}: ${escapeHtml(a)}`),
  ];
  const rows = ks.map((k) => {
    const sil = algorithms.map((a) => {
      const x = cell.get(`${a}\u0000${k}`);
      const chosen = a === s.algorithm && k === s.k;
      const text = f.fixed(x?.silhouette ?? null, 3);
      return `<td class="num${chosen ? ' chosen' : ''}">${chosen ? `<strong>${text}</strong> <span class="tag">${t('chosen')}</span>` : text}</td>`;
    });
    const bic = withBic.map(
      (a) => `<td class="num">${f.number(cell.get(`${a}\u0000${k}`)?.bic ?? null, 6)}</td>`,
    );
    return `<tr><td class="num">${f.count(k)}</td>${sil.join('')}${bic.join('')}</tr>`;
  });
  const chart = selectionChart(
    s.selection.map((x) => ({ algorithm: x.algorithm, k: x.k, y: x.silhouette })),
    { algorithm: s.algorithm, k: s.k },
    f,
    t('silhouette'),
    t('k'),
    t('modelSelection'),
  );
  const why =
    s.chosenBy === 'elbow'
      ? t('chosenByElbow', { k: f.count(s.k), algorithm: escapeHtml(s.algorithm) })
      : t(s.chosenBy === 'config' ? 'chosenByConfig' : 'chosenBySilhouette');
  // Reports written before the elbow curve was kept have none.
  const elbowChart =
    (s.elbowCurve ?? []).length < 2
      ? ''
      : `<figure>${selectionChart(
          s.elbowCurve.map((c) => ({ algorithm: 'kmeans', k: c.k, y: c.inertia })),
          { algorithm: 'kmeans', k: s.k },
          f,
          t('inertia'),
          t('k'),
          t('inertia'),
        )}</figure>`;
  return sub('segments-selection', t('modelSelection'), [
    `<p class="muted">${t('selectionLead', { rows: f.count(s.selectionRows) })} ${why}</p>`,
    elbowChart,
    `<figure>${chart}</figure>`,
    `<div class="scroll">${table(head, rows, 'selection')}</div>`,
  ]);
}

function viewsBlock(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const views = r.segmentation.views;
  if (views.length === 0) return '';
  const figures = views.map(
    (v) =>
      `<figure class="view"><figcaption>${escapeHtml(v.method)}</figcaption>\n${scatterSvg(v, `${t('views')}: ${v.method}`)}</figure>`,
  );
  const points = Math.max(...views.map((v) => v.x.length));
  const ids = [...new Set(views.flatMap((v) => v.segment))].sort((a, b) => a - b);
  const legend = ids.map((id) => `<span>${swatch(id)}${ctx.segment(id)}</span>`).join('');
  return sub('segments-views', t('views'), [
    `<p class="muted">${t('viewsLead', { points: f.count(points) })}</p>`,
    `<div class="row views">\n${figures.join('\n')}\n</div>`,
    `<div class="legend">${legend}</div>`,
  ]);
}

function matchedBlock(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const m = r.segmentation.matchedToPrevious;
  if (!m || m.length === 0) return '';
  return sub('segments-previous', t('matchedToPrevious'), [
    table(
      [t('insidersSegment'), t('previousSegment'), t('distance')],
      m.map(
        (x) =>
          `<tr><td>${swatch(x.segment)}${ctx.segment(x.segment)}</td><td class="num">#${f.count(x.previous)}</td><td class="num">${f.number(x.distance, 3)}</td></tr>`,
      ),
      'matched',
    ),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Churn

function tierName(tier: string, t: Translate): string {
  const key = tierKey(tier);
  return key ? t(key) : escapeHtml(tier);
}

function tierList(tiers: Record<string, number>): string[] {
  const known = TIER_ORDER.filter((k) => k in tiers);
  return [...known, ...Object.keys(tiers).filter((k) => !TIER_ORDER.includes(k))];
}

function churnBody(c: ChurnReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const metrics = table(
    [t('metric'), t('value')],
    [
      [t('auc'), f.number(c.auc, 3)],
      [t('accuracy'), f.share(c.accuracy)],
      [t('logloss'), f.number(c.logloss, 3)],
      [t('brier'), f.number(c.brier, 3)],
    ].map(([k, v]) => `<tr><td>${k}</td><td class="num">${v}</td></tr>`),
    'metrics',
  );
  const tiers = tierList(c.tiers);
  // ECharts escapes the labels it draws, so they go in as plain text.
  const tierLabels = tiers.map((k) => {
    const key = tierKey(k);
    return key ? plain(t(key)) : k;
  });
  const tierChart = barChart(
    tierLabels,
    tiers.map((k) => c.tiers[k] ?? 0),
    (v) => f.count(v),
    t('tiers'),
    tiers.map((k) => TIER_COLORS[k] ?? '#9ca3af'),
  );

  const segTiers = tierList(Object.assign({}, c.tiers, ...c.bySegment.map((s) => s.tiers)));
  const bySegment = table(
    [t('insidersSegment'), t('customers'), t('meanProbability'), ...segTiers.map((k) => tierName(k, t))],
    c.bySegment.map(
      (s) =>
        `<tr><td>${swatch(s.segment)}${ctx.segment(s.segment)}</td><td class="num">${f.count(s.customers)}</td>` +
        `<td class="num">${f.share(s.meanProbability)}</td>${segTiers.map((k) => `<td class="num">${f.count(s.tiers[k] ?? 0)}</td>`).join('')}</tr>`,
    ),
    'by-segment',
  );

  const byGroup = c.byGroup.map((g, i) =>
    sub(
      `churn-group-${i}`,
      t('riskByGroup', { column: `<span class="name">${escapeHtml(g.column)}</span>` }),
      [
        table(
          [t('value'), t('customers'), t('meanProbability'), t('highOrCritical')],
          g.rows.map(
            (row) =>
              `<tr><td>${escapeHtml(row.value)}</td><td class="num">${f.count(row.customers)}</td><td class="num">${f.share(row.meanProbability)}</td>` +
              `<td class="num">${f.countShare(row.highOrCritical, row.customers > 0 ? row.highOrCritical / row.customers : null)}</td></tr>`,
          ),
          'by-group',
        ),
      ],
    ),
  );

  const importance = c.importance.slice(0, MAX_IMPORTANCE);
  return join([
    `<p class="lead">${t('churnLead', {
      model: `<strong>${escapeHtml(c.model)}</strong>`,
      target: `<code>${escapeHtml(c.target)}</code>`,
      positive: `<code>${escapeHtml(c.positive)}</code>`,
    })}</p>`,
    '<div class="row">',
    `<div>${metrics}</div>`,
    `<figure><figcaption>${t('tiers')}</figcaption>\n${tierChart}</figure>`,
    '</div>',
    sub('churn-segments', t('riskBySegment'), [`<div class="scroll">${bySegment}</div>`]),
    ...byGroup,
    importance.length === 0
      ? ''
      : sub('churn-importance', t('churnImportance'), [
          `<figure>${barChart(
            importance.map((i) => i.feature),
            importance.map((i) => i.importance),
            (v) => f.number(v, 3),
            t('churnImportance'),
          )}</figure>`,
        ]),
  ]);
}

/** Reverses the escaping of a fixed string for ECharts, which escapes what it draws itself. */
function plain(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

// ---------------------------------------------------------------------------------------------
// Quality

function qualityBody(r: RunReport, ctx: Ctx): string {
  const { t, f } = ctx;
  const q = r.quality;
  const head = keyValueTable([
    [t('rows'), f.count(q.rows)],
    [t('columns'), f.count(q.columns)],
    [t('duplicateRows'), f.countShare(q.duplicateRows, q.rows > 0 ? q.duplicateRows / q.rows : null)],
    [
      t('missingCells'),
      f.countShare(q.missingCells, q.rows * q.columns > 0 ? q.missingCells / (q.rows * q.columns) : null),
    ],
  ]);
  const warnings =
    q.warnings.length === 0
      ? `<p class="muted">${t('noWarnings')}</p>`
      : table(
          [t('column'), t('warningKind'), t('message')],
          q.warnings.map(
            (w) =>
              `<tr><td>${w.column === null ? `<span class="muted">${t('dataset')}</span>` : `<span class="name">${escapeHtml(w.column)}</span>`}</td>` +
              `<td><code>${escapeHtml(w.kind)}</code></td><td>${escapeHtml(w.message)}</td></tr>`,
          ),
          'warnings',
        );
  const cleaning =
    q.cleaning.length === 0
      ? `<p class="muted">${t('noCleaning')}</p>`
      : table(
          [t('step'), t('rowsBefore'), t('rowsAfter')],
          q.cleaning.map(
            (c) =>
              `<tr><td>${escapeHtml(c.step)}</td><td class="num">${f.count(c.rowsBefore)}</td><td class="num">${f.count(c.rowsAfter)}</td></tr>`,
          ),
          'cleaning',
        );
  const timings = Object.entries(r.timings);
  return join([
    head,
    sub('quality-warnings', `${t('warnings')} <span class="muted">(${f.count(q.warnings.length)})</span>`, [
      warnings,
    ]),
    sub('quality-cleaning', t('cleaning'), [cleaning]),
    timings.length === 0
      ? ''
      : sub('quality-timings', t('timings'), [
          table(
            [t('step'), t('seconds')],
            timings.map(([k, s]) => `<tr><td>${escapeHtml(k)}</td><td class="num">${f.seconds(s)}</td></tr>`),
            'timings',
          ),
        ]),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** A grid table; `head` and `rows` are HTML already. */
function table(head: string[], rows: string[], cls: string): string {
  return `<table class="grid ${cls}">\n<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** A titled part of a section, with its own id. */
function sub(id: string, heading: string, parts: string[]): string {
  return join([`<div class="sub" id="${id}">`, `<h3>${heading}</h3>`, ...parts, '</div>']);
}

function join(parts: string[]): string {
  return parts.filter((p) => p !== '').join('\n');
}

const CSS = `
:root { color-scheme: light; --fg: #1d2330; --muted: #6b7280; --line: #e3e6ec; --bg-alt: #f6f7f9; --accent: #4a72c4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 64px; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 20px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h2 .num { color: var(--muted); font-weight: 500; }
h2.sub { font-size: 15px; margin: 18px 0 6px; border: 0; padding: 0; color: var(--muted); }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 15px; margin: 0 0 6px; }
h5 { font-size: 12px; margin: 10px 0 4px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code.hash { word-break: break-all; }
.name { overflow-wrap: anywhere; }
.muted { color: var(--muted); font-weight: normal; }
.lead { font-size: 15px; }
.note { padding: 8px 12px; border-left: 4px solid var(--accent); background: var(--bg-alt); }
.big { font-size: 44px; font-weight: 700; margin: 0; line-height: 1.1; color: var(--accent); font-variant-numeric: tabular-nums; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 7px; border-radius: 9px; background: #e8edf7; color: #33508f; vertical-align: middle; }
nav#contents { margin: 16px 0 8px; padding: 10px 16px; border: 1px solid var(--line); border-radius: 8px; }
nav#contents h3 { font-size: 13px; margin: 8px 0 2px; color: var(--muted); }
nav#contents ol { margin: 2px 0 6px; padding-left: 26px; }
table { border-collapse: collapse; }
table.kv, table.grid { margin-bottom: 12px; }
table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 2px 14px 2px 0; white-space: nowrap; vertical-align: top; }
table.kv td { padding: 2px 0; font-variant-numeric: tabular-nums; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 4px; text-align: left; vertical-align: top; }
table.grid thead th { font-weight: 600; font-size: 12px; color: var(--muted); }
table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid td.chosen { outline: 2px solid var(--fg); outline-offset: -2px; }
table.grid td.holds { text-align: center; font-size: 16px; }
table.stats { font-size: 12px; }
table.stats th { white-space: nowrap; }
table.matrix th.num { text-align: right; }
table.matrix small { color: #374151; }
td.z { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.yes { color: #1f8a4c; font-weight: 700; }
.no { color: #c0392b; font-weight: 700; }
.scroll { overflow-x: auto; }
.row { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; }
.cards { display: flex; flex-direction: column; gap: 14px; }
.card { padding: 14px 16px; border: 1px solid var(--line); border-radius: 8px; border-left: 1px solid var(--line); }
.card .stats { flex: 1; min-width: 320px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: baseline; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
ul.drivers { list-style: none; margin: 0; padding: 0; }
ul.drivers li { display: flex; align-items: center; gap: 6px; padding: 1px 0; }
ul.drivers .feature { font-weight: 500; }
.dir.up { color: #c0392b; }
.dir.down { color: #2b62b8; }
.minibar, .meter .bar { display: inline-block; background: var(--bg-alt); border-radius: 3px; overflow: hidden; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.minibar { width: 80px; height: 8px; margin-left: auto; }
.minibar > span, .meter .bar > span { display: block; height: 100%; background: var(--accent); }
.meters { display: flex; flex-direction: column; gap: 6px; margin: 10px 0 14px; max-width: 640px; }
.meter { display: flex; align-items: center; gap: 10px; }
.meter .label { width: 220px; }
.meter .bar { flex: 1; height: 14px; }
.meter .value { width: 64px; text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
figure { margin: 8px 0; }
figcaption { font-size: 12px; color: var(--muted); margin-bottom: 2px; }
svg { display: block; max-width: 100%; height: auto; }
.views figure { margin: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; margin: 8px 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { font-size: 11px; background: #fff; }
  main { max-width: none; padding: 0; }
  section.major { break-before: page; }
  h2, h3, h4, h5 { break-after: avoid; }
  figure, .card, table.kv, tr, .meters, nav#contents { break-inside: avoid; }
  .scroll { overflow: visible; }
  .big { font-size: 32px; }
  a { color: inherit; }
}
`
  .trim()
  .replace(/\n\s*/g, '\n');
