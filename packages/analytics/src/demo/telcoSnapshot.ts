import { Rng } from '@clientele/ml';
import { AtomicCsvFile } from './atomicCsvFile.ts';
import { cumulative, lognormalInt, pick, poisson } from './randomDraws.ts';

/**
 * A prepaid-telco customer snapshot shaped like the seed project's file (371,589 rows x 42
 * columns, upper-case Spanish column names): one row per line (IMEI), demographics, the store
 * the line was sold in, recharges, voice and message traffic and a CHURN label.
 *
 * What is planted, so a test knows the right answer:
 * - four segments like the seed's clusters (prodigious rechargers, cautious rechargers, global
 *   communicators, standard users);
 * - churn drawn from a known logistic function of DIAS_ULTIMA_RECARGA, NUM_LLAMADAS_ATENCION,
 *   ANTIGUEDAD_MESES and the segment (`--truth-out` writes each line's true probability);
 * - DIAS_FRECUENCIA_RECARGA = 9999 for every line with fewer than two recharges;
 * - a few exact duplicate rows (copies of earlier rows, about 0.2%);
 * - one store whose address has a broken encoding (its UTF-8 bytes read as Windows-1252 /
 *   Latin-1) on every one of its rows, and whose LATITUD and LONGITUD are empty.
 *
 * Deterministic by seed: the same seed gives a byte-identical file.
 */
export interface TelcoSnapshotOptions {
  /** Rows in the file, the planted duplicate rows included. */
  rows: number;
  seed?: number;
  /** Also write IMEI, churn_probability, segment (one line per distinct IMEI) to this file. */
  truthOut?: string;
}

export interface TelcoSnapshotResult {
  rows: number;
  columns: string[];
  /** How many rows are exact copies of an earlier row. */
  duplicates: number;
}

export const TELCO_ID_COLUMN = 'IMEI';
export const TELCO_TARGET_COLUMN = 'CHURN';
/** The column where 9999 stands for "fewer than two recharges, no frequency". */
export const TELCO_SENTINEL_COLUMN = 'DIAS_FRECUENCIA_RECARGA';
export const TELCO_SENTINEL_VALUE = 9999;
export const TELCO_STORE_COLUMN = 'TIENDA';
export const TELCO_ADDRESS_COLUMN = 'DIRECCION_TIENDA';

/** The 42 columns, in file order. */
export const TELCO_SNAPSHOT_COLUMNS = [
  TELCO_ID_COLUMN,
  'GENDER',
  'MARITAL_STATUS',
  'EMPLOYEE_STATUS',
  'EDAD',
  'FECHA_ACTIVACION',
  'ANTIGUEDAD_MESES',
  TELCO_STORE_COLUMN,
  TELCO_ADDRESS_COLUMN,
  'LATITUD',
  'LONGITUD',
  'CIUDAD',
  'REGION',
  'DAY',
  'PLAN',
  'MARCA_EQUIPO',
  'TECNOLOGIA_RED',
  'SUM_CANTIDAD_RECARGAS',
  'SUM_MONTO_RECARGAS',
  TELCO_SENTINEL_COLUMN,
  'DIAS_ULTIMA_RECARGA',
  'MONTO_ANTERIOR',
  'MONTO_POSTERIOR',
  'SUM_ESC_TRAFICO_IVR_VOZ',
  'SUM_SS_TRAFICO_IVR',
  'SUM_ESC_TRAFICO_LOCAL_VOZ',
  'SUM_ESC_TRAFICO_ONNET_VOZ',
  'SUM_ESC_TRAFICO_OFFNET_VOZ',
  'SUM_ESC_TRAFICO_ENTRANTE_VOZ',
  'SUM_ESC_TRAFICO_INTERNAZIONAL_VOZ',
  'SUM_ESC_ROAMING_ENTRANTE_VOZ',
  'SUM_ESC_ROAMING_SALIENTE_VOZ',
  'SUM_ESC_FAMILY_Y_AMIGOS_VOZ',
  'SUM_SMS_NACIONALES',
  'SUM_MENSAJES_INTERNACIONALES',
  'SUM_BUZON_VOZ',
  'SUM_DATOS_MB',
  'SUM_PAQUETES_DATOS',
  'SALDO_PROMEDIO',
  'NUM_CONTACTOS_DISTINTOS',
  'NUM_LLAMADAS_ATENCION',
  TELCO_TARGET_COLUMN,
] as const;

/** The planted segments, in the order of their index, with their share of customers. */
export const TELCO_SNAPSHOT_SEGMENTS = [
  { name: 'prodigious rechargers', share: 0.18 },
  { name: 'cautious rechargers', share: 0.33 },
  { name: 'global communicators', share: 0.22 },
  { name: 'standard users', share: 0.27 },
] as const;

/** The columns the true churn probability depends on (besides the segment). */
export const TELCO_CHURN_DRIVERS = [
  'DIAS_ULTIMA_RECARGA',
  'NUM_LLAMADAS_ATENCION',
  'ANTIGUEDAD_MESES',
] as const;

/** The days the recharge columns cover. */
const WINDOW_DAYS = 90;
/** The snapshot is taken at the end of this month (activation dates count back from it). */
const SNAPSHOT_YEAR = 2023;
const SNAPSHOT_MONTH = 10;

interface Store {
  name: string;
  address: string;
  city: string;
  region: string;
  lat: number;
  lon: number;
  weight: number;
}

// Chilean stores: Santiago weighs most. The Ñuñoa store is the one whose address broke.
const STORES: Store[] = [
  st('Tienda Providencia', 'Av. Providencia 2124', 'Santiago', 'Metropolitana', -33.4213, -70.6076, 9),
  st(
    'Tienda Ñuñoa',
    'Av. Irarrázaval 3465 Ñuñoa Región Metropolitana',
    'Santiago',
    'Metropolitana',
    -33.4543,
    -70.5975,
    4,
  ),
  st('Tienda Las Condes', 'Av. Apoquindo 4501', 'Santiago', 'Metropolitana', -33.415, -70.5836, 8),
  st('Tienda Maipú', 'Av. Pajaritos 1940', 'Santiago', 'Metropolitana', -33.51, -70.757, 8),
  st('Tienda Puente Alto', 'Av. Concha y Toro 1477', 'Santiago', 'Metropolitana', -33.611, -70.5757, 7),
  st('Tienda Santiago Centro', 'Paseo Ahumada 312', 'Santiago', 'Metropolitana', -33.4402, -70.6507, 10),
  st('Tienda La Florida', 'Av. Vicuña Mackenna 7110', 'Santiago', 'Metropolitana', -33.519, -70.599, 7),
  st('Tienda Valparaíso', 'Av. Pedro Montt 2065', 'Valparaíso', 'Valparaíso', -33.048, -71.612, 5),
  st('Tienda Viña del Mar', 'Av. Libertad 1348', 'Viña del Mar', 'Valparaíso', -33.011, -71.55, 5),
  st('Tienda Concepción', 'Barros Arana 1068', 'Concepción', 'Biobío', -36.827, -73.05, 5),
  st('Tienda Talcahuano', 'Av. Colón 3000', 'Talcahuano', 'Biobío', -36.724, -73.116, 3),
  st('Tienda Temuco', 'Av. Alemania 0671', 'Temuco', 'Araucanía', -38.736, -72.61, 4),
  st('Tienda Antofagasta', 'Av. Angamos 0610', 'Antofagasta', 'Antofagasta', -23.644, -70.397, 4),
  st('Tienda Calama', 'Av. Balmaceda 3242', 'Calama', 'Antofagasta', -22.457, -68.92, 2),
  st('Tienda La Serena', 'Av. Francisco de Aguirre 0102', 'La Serena', 'Coquimbo', -29.903, -71.252, 3),
  st('Tienda Coquimbo', 'Av. Varela 1250', 'Coquimbo', 'Coquimbo', -29.953, -71.339, 2),
  st('Tienda Puerto Montt', 'Av. Diego Portales 840', 'Puerto Montt', 'Los Lagos', -41.472, -72.94, 3),
  st('Tienda Osorno', 'Eleuterio Ramírez 949', 'Osorno', 'Los Lagos', -40.574, -73.133, 2),
  st('Tienda Talca', '1 Sur 1330', 'Talca', 'Maule', -35.426, -71.666, 3),
  st('Tienda Rancagua', 'Av. Brasil 1045', 'Rancagua', "O'Higgins", -34.17, -70.74, 3),
  st('Tienda Chillán', 'Av. Libertad 585', 'Chillán', 'Ñuble', -36.606, -72.103, 2),
  st('Tienda Iquique', 'Av. Héroes de la Concepción 2555', 'Iquique', 'Tarapacá', -20.24, -70.14, 2),
  st('Tienda Arica', '21 de Mayo 583', 'Arica', 'Arica y Parinacota', -18.478, -70.312, 2),
  st('Tienda Punta Arenas', 'Av. Bulnes 01110', 'Punta Arenas', 'Magallanes', -53.14, -70.91, 1),
];
const BROKEN_STORE_INDEX = 1;

function st(
  name: string,
  address: string,
  city: string,
  region: string,
  lat: number,
  lon: number,
  weight: number,
): Store {
  return { name, address, city, region, lat, lon, weight };
}

// Windows-1252 differs from ISO-8859-1 in 0x80..0x9F only; the rest of the byte is the code point.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';

/** The store whose address has a broken encoding and whose coordinates are empty. */
export const TELCO_BROKEN_STORE = STORES[BROKEN_STORE_INDEX]!.name;
/** Its address as it should read. */
export const TELCO_BROKEN_STORE_ADDRESS_FIXED = STORES[BROKEN_STORE_INDEX]!.address;
/** Its coordinates, which the file leaves empty (for checking an imputation). */
export const TELCO_BROKEN_STORE_LOCATION = {
  lat: STORES[BROKEN_STORE_INDEX]!.lat,
  lon: STORES[BROKEN_STORE_INDEX]!.lon,
} as const;
/** Its address as the file has it: "Av. IrarrÃ¡zaval 3465 Ã‘uÃ±oa RegiÃ³n Metropolitana". */
export const TELCO_BROKEN_STORE_ADDRESS = mojibake(TELCO_BROKEN_STORE_ADDRESS_FIXED);

/** UTF-8 text read back as Windows-1252 (what Excel calls Latin-1): "Ñuñoa" -> "Ã‘uÃ±oa". */
function mojibake(text: string): string {
  let s = '';
  for (const b of Buffer.from(text, 'utf8'))
    s += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return s;
}

/** Per segment: mean recharges in the window, median recharge amount, and traffic medians. */
interface SegmentProfile {
  recharges: number;
  amount: number;
  balance: number;
  ivr: number;
  local: number;
  incoming: number;
  intlVoice: number;
  intlShare: number;
  roamingShare: number;
  sms: number;
  intlMessages: number;
  intlMessagesShare: number;
  voicemail: number;
  dataMb: number;
  care: number;
  tenure: number;
  churnShift: number;
}

const PROFILES: SegmentProfile[] = [
  // prodigious rechargers: frequent, large recharges; heavy users; loyal
  {
    recharges: 24,
    amount: 20,
    balance: 12,
    ivr: 4,
    local: 420,
    incoming: 320,
    intlVoice: 12,
    intlShare: 0.35,
    roamingShare: 0.15,
    sms: 80,
    intlMessages: 3,
    intlMessagesShare: 0.25,
    voicemail: 4,
    dataMb: 6000,
    care: 0.25,
    tenure: 34,
    churnShift: -1.4,
  },
  // cautious rechargers: one recharge or none in most cases, a month or more apart; small use
  {
    recharges: 1.0,
    amount: 8,
    balance: 2,
    ivr: 6,
    local: 45,
    incoming: 90,
    intlVoice: 2,
    intlShare: 0.08,
    roamingShare: 0.03,
    sms: 10,
    intlMessages: 1,
    intlMessagesShare: 0.1,
    voicemail: 6,
    dataMb: 400,
    care: 0.7,
    tenure: 16,
    churnShift: 0.4,
  },
  // global communicators: average recharges, many international messages, voicemail, roaming
  {
    recharges: 8,
    amount: 6,
    balance: 5,
    ivr: 3,
    local: 130,
    incoming: 150,
    intlVoice: 45,
    intlShare: 0.8,
    roamingShare: 0.35,
    sms: 30,
    intlMessages: 60,
    intlMessagesShare: 0.97,
    voicemail: 25,
    dataMb: 2000,
    care: 0.35,
    tenure: 24,
    churnShift: -0.3,
  },
  // standard users: recharge about every ten days, moderate everything
  {
    recharges: 9,
    amount: 5,
    balance: 4,
    ivr: 3,
    local: 150,
    incoming: 180,
    intlVoice: 3,
    intlShare: 0.15,
    roamingShare: 0.03,
    sms: 40,
    intlMessages: 1,
    intlMessagesShare: 0.12,
    voicemail: 5,
    dataMb: 2500,
    care: 0.4,
    tenure: 24,
    churnShift: 0,
  },
];

// The churn mechanism: logit = b0 + segment shift + these weights on the driver columns.
const CHURN_B0 = -1.8;
const CHURN_W_LAST_RECHARGE = 0.9; // per log1p(day) above log1p(15)
const CHURN_W_CARE = 0.6; // per customer-care call
const CHURN_W_TENURE = -0.6; // per log1p(month) above log1p(24)

/** The true churn probability of one line, from the columns the file shows and its segment. */
export function telcoChurnProbability(
  segment: number,
  daysSinceLastRecharge: number,
  careCalls: number,
  tenureMonths: number,
): number {
  const z =
    CHURN_B0 +
    PROFILES[segment]!.churnShift +
    CHURN_W_LAST_RECHARGE * (Math.log1p(daysSinceLastRecharge) - Math.log1p(15)) +
    CHURN_W_CARE * careCalls +
    CHURN_W_TENURE * (Math.log1p(tenureMonths) - Math.log1p(24));
  return 1 / (1 + Math.exp(-z));
}

const GENDERS = ['FEMALE', 'MALE'];
const MARITAL = ['Married', 'Single', 'Widower'];
const MARITAL_W = [0.45, 0.48, 0.07];
const EMPLOYMENT = ['employee', 'self-employed', 'Unemployment'];
const EMPLOYMENT_W = [0.55, 0.25, 0.2];
const PLANS = ['PREPAGO BASICO', 'PREPAGO PLUS', 'PREPAGO MAX'];
const PLAN_W: number[][] = [
  [0.15, 0.35, 0.5],
  [0.7, 0.25, 0.05],
  [0.3, 0.45, 0.25],
  [0.45, 0.4, 0.15],
];
const BRANDS = ['Samsung', 'Motorola', 'Xiaomi', 'Apple', 'Huawei', 'Otro'];
const BRAND_W = [0.35, 0.15, 0.18, 0.12, 0.12, 0.08];
const NETWORKS = ['3G', '4G', '5G'];
const NETWORK_W = [0.15, 0.7, 0.15];

/** Each row is a copy of an earlier one with this probability. */
const DUPLICATE_RATE = 0.002;

const COMMA = 44;
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Writes the snapshot as CSV (and the truth file when asked); see the module comment. */
export async function writeTelcoSnapshotCsv(
  path: string,
  opts: TelcoSnapshotOptions,
): Promise<TelcoSnapshotResult> {
  const rows = opts.rows;
  if (!Number.isInteger(rows) || rows < 1)
    throw new RangeError(`rows must be a whole number >= 1, got ${rows}`);
  const seed = opts.seed ?? 42;
  const rng = new Rng(seed);
  // Duplicates come from their own stream, so the distinct rows do not depend on them.
  const dupRng = new Rng((seed ^ 0x5bd1e995) >>> 0);
  const ids = new ImeiSequence(rng);

  // Every text cell is encoded once; a row is then bytes and digits only (no garbage per row).
  const segCum = cumulative(TELCO_SNAPSHOT_SEGMENTS.map((s) => s.share));
  const segNames = TELCO_SNAPSHOT_SEGMENTS.map((s) => utf8(`,${s.name}\n`));
  const storeCum = cumulative(STORES.map((s) => s.weight));
  const storeCells = STORES.map((s, i) =>
    utf8(
      (i === BROKEN_STORE_INDEX
        ? [s.name, TELCO_BROKEN_STORE_ADDRESS, '', '', s.city, s.region]
        : [s.name, s.address, s.lat.toFixed(4), s.lon.toFixed(4), s.city, s.region]
      )
        .map(AtomicCsvFile.field)
        .join(','),
    ),
  );
  const genders = GENDERS.map(utf8);
  const marital = MARITAL.map(utf8);
  const maritalCum = cumulative(MARITAL_W);
  const employment = EMPLOYMENT.map(utf8);
  const employmentCum = cumulative(EMPLOYMENT_W);
  const plans = PLANS.map(utf8);
  const planCum = PLAN_W.map(cumulative);
  const brands = BRANDS.map(utf8);
  const brandCum = cumulative(BRAND_W);
  const networks = NETWORKS.map(utf8);
  const networkCum = cumulative(NETWORK_W);

  const w = new AtomicCsvFile(path);
  const truth = opts.truthOut ? new AtomicCsvFile(opts.truthOut) : null;
  // Where each row of the current chunk starts: a duplicate copies one of them.
  const starts: number[] = [];
  let duplicates = 0;
  try {
    w.text(`${TELCO_SNAPSHOT_COLUMNS.join(',')}\n`);
    truth?.text(`${TELCO_ID_COLUMN},churn_probability,segment\n`);
    for (let r = 0; r < rows; r++) {
      if (w.full) {
        await w.flush();
        starts.length = 0;
      }
      if (truth?.full) await truth.flush();
      const start = w.length;
      if (starts.length > 0 && dupRng.next() < DUPLICATE_RATE) {
        const j = dupRng.int(starts.length);
        w.copyWithin(starts[j]!, j + 1 < starts.length ? starts[j + 1]! : start);
        starts.push(start);
        duplicates++;
        continue;
      }
      starts.push(start);
      const seg = pick(rng, segCum);
      const p = PROFILES[seg]!;
      const imei = ids.next();

      const gender = rng.int(2);
      const status = pick(rng, maritalCum);
      const job = pick(rng, employmentCum);
      const age = clampInt(38 + 12 * rng.normal(), 18, 85);
      const tenure = clampInt(p.tenure * Math.exp(0.8 * rng.normal()), 1, 240);
      const activationDay = rng.int(28) + 1;
      const store = pick(rng, storeCum);
      const day = rng.next() < 30 / 30.58 ? rng.int(30) + 1 : 31;
      const plan = pick(rng, planCum[seg]!);
      const brand = pick(rng, brandCum);
      const network = pick(rng, networkCum);

      // Recharges: a gamma-mixed Poisson count in the window, so counts are over-dispersed.
      const recharges = poisson(rng, p.recharges * Math.exp(0.4 * rng.normal() - 0.08));
      const unitAmount = Math.max(1, Math.round(p.amount * Math.exp(0.3 * rng.normal())));
      const amountTotal =
        recharges === 0
          ? 0
          : Math.max(recharges, Math.round(recharges * unitAmount * Math.exp(0.15 * rng.normal())));
      const frequency =
        recharges < 2
          ? TELCO_SENTINEL_VALUE
          : clampInt((WINDOW_DAYS / recharges) * Math.exp(0.2 * rng.normal()), 1, WINDOW_DAYS);
      const lastRecharge =
        recharges === 0
          ? WINDOW_DAYS + rng.int(WINDOW_DAYS)
          : Math.min(
              WINDOW_DAYS - 1,
              Math.floor((-Math.log(1 - rng.next()) * WINDOW_DAYS) / (recharges + 1)),
            );
      const before = rng.next() < 0.3 ? 0 : lognormalInt(rng, p.balance, 0.8);
      const after = recharges === 0 ? before : before + unitAmount;

      // Voice traffic in minutes, messages in counts.
      const ivr = lognormalInt(rng, p.ivr, 0.7);
      const ssIvr = Math.round(ivr * rng.next());
      const local = lognormalInt(rng, p.local, 0.5);
      const onnet = Math.round(local * (0.45 + 0.3 * rng.next()));
      const incoming = lognormalInt(rng, p.incoming, 0.5);
      const intlVoice = rng.next() < p.intlShare ? lognormalInt(rng, p.intlVoice, 0.6) : 0;
      const roaming = rng.next() < p.roamingShare;
      const roamingIn = roaming ? lognormalInt(rng, 25, 0.7) : 0;
      const roamingOut = roaming ? lognormalInt(rng, 20, 0.7) : 0;
      const family = Math.round(local * (0.1 + 0.2 * rng.next()));
      const sms = lognormalInt(rng, p.sms, 0.6);
      const intlMessages = rng.next() < p.intlMessagesShare ? lognormalInt(rng, p.intlMessages, 0.5) : 0;
      const voicemail = lognormalInt(rng, p.voicemail, 0.6);
      const dataMb = p.dataMb * Math.exp(0.6 * rng.normal());
      const bundles = poisson(rng, dataMb / 1500);
      const avgBalance = Math.max(0, (before + after) / 2 + rng.normal());
      const contacts = clampInt(4 + Math.sqrt(local + incoming) * (0.8 + 0.4 * rng.next()), 1, 500);
      const careCalls = poisson(rng, p.care);

      const prob = telcoChurnProbability(seg, lastRecharge, careCalls, tenure);
      const churn = rng.next() < prob ? 1 : 0;

      writeImei(w, imei);
      w.char(COMMA).bytes(genders[gender]!).char(COMMA).bytes(marital[status]!);
      w.char(COMMA).bytes(employment[job]!).char(COMMA).int(age).char(COMMA);
      writeActivationDate(w, tenure, activationDay);
      w.char(COMMA).int(tenure).char(COMMA).bytes(storeCells[store]!).char(COMMA).int(day);
      w.char(COMMA)
        .bytes(plans[plan]!)
        .char(COMMA)
        .bytes(brands[brand]!)
        .char(COMMA)
        .bytes(networks[network]!);
      w.char(COMMA).int(recharges).char(COMMA).int(amountTotal).char(COMMA).int(frequency);
      w.char(COMMA).int(lastRecharge).char(COMMA).int(before).char(COMMA).int(after);
      w.char(COMMA).int(ivr).char(COMMA).int(ssIvr).char(COMMA).int(local);
      w.char(COMMA)
        .int(onnet)
        .char(COMMA)
        .int(local - onnet)
        .char(COMMA)
        .int(incoming);
      w.char(COMMA).int(intlVoice).char(COMMA).int(roamingIn).char(COMMA).int(roamingOut);
      w.char(COMMA).int(family).char(COMMA).int(sms).char(COMMA).int(intlMessages);
      w.char(COMMA).int(voicemail).char(COMMA).fixed(dataMb, 1).char(COMMA).int(bundles);
      w.char(COMMA).fixed(avgBalance, 2).char(COMMA).int(contacts).char(COMMA).int(careCalls);
      w.char(COMMA).int(churn).char(10);
      if (truth) {
        writeImei(truth, imei);
        truth.char(COMMA).fixed(prob, 6).bytes(segNames[seg]!);
      }
    }
    await w.commit();
    await truth?.commit();
  } catch (err) {
    await w.abort();
    await truth?.abort();
    throw err;
  }
  return { rows, columns: [...TELCO_SNAPSHOT_COLUMNS], duplicates };
}

/**
 * 15-digit IMEI-like ids: "35", twelve digits from a seeded bijection of the row number (so
 * they never repeat) and a Luhn check digit, as real IMEIs have.
 */
class ImeiSequence {
  private i = 0;
  private readonly m1: number;
  private readonly m2: number;
  private readonly c1: number;
  private readonly c2: number;

  constructor(rng: Rng) {
    // Multipliers coprime to 10 make x -> m*x + c a bijection modulo 10^12.
    this.m1 = coprimeTo10(rng);
    this.m2 = coprimeTo10(rng);
    this.c1 = rng.int(1e6) * 1e6 + rng.int(1e6);
    this.c2 = rng.int(1e6) * 1e6 + rng.int(1e6);
  }

  /** The next id's twelve middle digits, as a number below 10^12. */
  next(): number {
    let x = affine(this.i++, this.m1, this.c1);
    x = swapHalves(x);
    x = affine(x, this.m2, this.c2);
    return swapHalves(x);
  }
}

/** "35", the twelve digits, the Luhn check digit. */
function writeImei(w: AtomicCsvFile, x: number): void {
  // Luhn: from the right of the 14-digit body, every other digit (starting with the last) doubled.
  let sum = 0;
  let t = x % 1e6; // the low six digits, then the high six, in small integers
  for (let i = 0; i < 12; i++) {
    if (i === 6) t = Math.floor(x / 1e6);
    const q = (t / 10) | 0;
    let d = t - q * 10;
    t = q;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  sum += 1 + 3; // "5" at an even position doubles to 10 -> 1; "3" stays
  w.char(51)
    .char(53)
    .padded(x, 12)
    .int((10 - (sum % 10)) % 10);
}

function writeActivationDate(w: AtomicCsvFile, tenureMonths: number, day: number): void {
  const m = SNAPSHOT_YEAR * 12 + (SNAPSHOT_MONTH - 1) - tenureMonths;
  w.int(Math.floor(m / 12))
    .char(45)
    .padded((m % 12) + 1, 2)
    .char(45)
    .padded(day, 2);
}

const E6 = 1e6;
const E12 = 1e12;

function coprimeTo10(rng: Rng): number {
  for (;;) {
    const m = 100_001 + rng.int(899_998);
    if (m % 2 !== 0 && m % 5 !== 0) return m;
  }
}

/** (m * x + c) mod 10^12 for x < 10^12 and m < 10^6, exact in doubles. */
function affine(x: number, m: number, c: number): number {
  const hi = Math.floor(x / E6);
  const lo = x - hi * E6;
  return (((hi * m) % E6) * E6 + lo * m + c) % E12;
}

function swapHalves(x: number): number {
  const hi = Math.floor(x / E6);
  return (x - hi * E6) * E6 + hi;
}

function clampInt(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(x)));
}
