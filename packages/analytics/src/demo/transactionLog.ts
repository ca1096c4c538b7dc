import { Rng } from '@clientele/ml';
import { NON_PRODUCT_STOCK_CODES } from '../transactionCodes.ts';
import { AtomicCsvFile } from './atomicCsvFile.ts';
import { cumulative, pick, poisson } from './randomDraws.ts';

/**
 * An e-commerce transaction log shaped like UCI Online Retail (the seed's "Insiders" data): the
 * same 8 columns and formats (InvoiceDate `2011-03-04 12:30:00`, UnitPrice as Python writes a
 * float, CustomerID as `17850.0` or empty), one row per invoice line, invoices in time order
 * from 2010-12-01 to 2011-12-09, no trading on Saturdays nor over Christmas.
 *
 * What is planted, so a test knows the right answer:
 * - four customer types: a small high-value group (buying often and much), regular buyers,
 *   occasional buyers (one or two small orders) and heavy returners (`--truth-out` lists each
 *   customer's type);
 * - cancellations: invoice `C` + number, negative quantities, lines of an earlier invoice of the
 *   same customer (same products and prices); one giant order cancelled the same day;
 * - three 'A' bad-debt adjustments (stock code B, 'Adjust bad debt', no customer, two of them
 *   with a negative price);
 * - non-product stock codes: POST, DOT, C2, M, D, S, B, BANK CHARGES, AMAZONFEE, CRUK, PADS;
 * - rows without a customer (guest orders, stock write-offs with UnitPrice 0 and descriptions
 *   such as `?`, `damaged` or none), some descriptions with trailing spaces or commas, and a few
 *   exact duplicate lines.
 *
 * Deterministic by seed: the same seed gives a byte-identical file.
 */
export interface TransactionLogOptions {
  customers: number;
  seed?: number;
  /** Also write CustomerID, segment (the planted customer type) to this file. */
  truthOut?: string;
}

export const TRANSACTION_LOG_COLUMNS = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
] as const;

/** The planted customer types, in the order of their index, with their share of customers. */
export const TRANSACTION_LOG_CUSTOMER_TYPES = [
  { name: 'high-value', share: 0.07 },
  { name: 'regular', share: 0.43 },
  { name: 'occasional', share: 0.38 },
  { name: 'heavy-returner', share: 0.12 },
] as const;

/** Stock codes that are not products and that the seed project dropped. */
export const TRANSACTION_LOG_DROPPED_CODES: readonly string[] = NON_PRODUCT_STOCK_CODES;
/** Stock codes that are not products and that the seed project kept. */
export const TRANSACTION_LOG_KEPT_CODES = ['D', 'M'] as const;

const FIRST_INVOICE = 536365;
const FIRST_CUSTOMER = 12346;
const START = Date.UTC(2010, 11, 1);
const DAYS = 374; // 2010-12-01 .. 2011-12-09
const LAST_DAY_CLOSE = 12 * 60 + 50; // the data ends on 2011-12-09 at 12:50

interface CustomerType {
  /** Purchase invoices: `min` + Poisson(`extra`). */
  min: number;
  extra: number;
  /** Mean product lines per invoice. */
  lines: number;
  /** Index into QUANTITY_WEIGHTS. */
  quantities: number;
  /** Chance that a purchase is later (partly) cancelled. */
  cancel: number;
  /** Share of the invoice's lines a cancellation takes back, and of their quantity. */
  cancelShare: number;
}

const TYPES: CustomerType[] = [
  { min: 8, extra: 18, lines: 28, quantities: 0, cancel: 0.1, cancelShare: 0.15 },
  { min: 1, extra: 3.5, lines: 18, quantities: 1, cancel: 0.05, cancelShare: 0.1 },
  { min: 1, extra: 0.3, lines: 9, quantities: 2, cancel: 0.02, cancelShare: 0.1 },
  { min: 2, extra: 4, lines: 16, quantities: 1, cancel: 0.45, cancelShare: 0.6 },
];

const PACK_SIZES = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 36, 48, 72, 96, 144];
const QUANTITY_WEIGHTS = [
  // high-value: wholesale packs
  [2, 2, 2, 3, 6, 3, 3, 12, 3, 2, 10, 4, 6, 2, 3, 2],
  // regular and heavy returners
  [8, 8, 6, 6, 10, 3, 4, 12, 2, 2, 4, 1, 1, 0.2, 0.2, 0.1],
  // occasional and guests
  [20, 12, 8, 6, 8, 2, 3, 6, 1, 1, 1, 0.2, 0.2, 0, 0, 0],
];

// Country of a customer: the UK and the others by their weight in the real log.
const COUNTRIES: [string, number][] = [
  ['United Kingdom', 0],
  ['Germany', 95],
  ['France', 86],
  ['EIRE', 82],
  ['Spain', 25],
  ['Netherlands', 24],
  ['Belgium', 21],
  ['Switzerland', 20],
  ['Portugal', 15],
  ['Australia', 13],
  ['Norway', 11],
  ['Italy', 8],
  ['Channel Islands', 8],
  ['Finland', 7],
  ['Cyprus', 6],
  ['Sweden', 5],
  ['Unspecified', 4],
  ['Austria', 4],
  ['Denmark', 4],
  ['Japan', 4],
  ['Poland', 3],
  ['Israel', 3],
  ['USA', 3],
  ['Hong Kong', 3],
  ['Singapore', 2],
  ['Iceland', 2],
  ['Canada', 2],
  ['Greece', 1],
  ['Malta', 1],
  ['United Arab Emirates', 1],
  ['European Community', 1],
  ['RSA', 1],
  ['Lebanon', 1],
  ['Lithuania', 1],
  ['Brazil', 1],
  ['Czech Republic', 1],
  ['Bahrain', 1],
  ['Saudi Arabia', 1],
];
const UK_SHARE = 0.9;
const EIRE = 3;

// Product descriptions: colour + motif + item, in the catalogue's upper-case style.
const COLOURS = [
  'WHITE',
  'RED',
  'PINK',
  'BLUE',
  'GREEN',
  'IVORY',
  'CREAM',
  'BLACK',
  'VINTAGE',
  'RETRO',
  'SILVER',
  'GOLD',
  'PASTEL',
  'ANTIQUE',
];
const MOTIFS = [
  'HANGING HEART',
  'RETROSPOT',
  'POLKADOT',
  'SPACEBOY',
  'DOLLY GIRL',
  'REGENCY',
  'WOODLAND',
  'UNION JACK',
  'PAISLEY',
  'BIRD',
  'SKULL',
  'STRAWBERRY',
  'FLORAL',
  'CHRISTMAS',
  'JAM MAKING',
  'ROSE',
  'LOVE',
  'CIRCUS PARADE',
];
const ITEMS = [
  'T-LIGHT HOLDER',
  'LUNCH BAG',
  'CAKE STAND',
  'MUG',
  'JUMBO BAG',
  'TEA TOWEL',
  'NOTEBOOK',
  'CANDLE',
  'PHOTO FRAME',
  'CHARM',
  'WALL CLOCK',
  'DOORSTOP',
  'METAL SIGN',
  'BUNTING',
  'LANTERN',
  'PLASTERS IN TIN',
  'PAPER NAPKINS',
  'CAKE CASES',
  'SHOPPING BAG',
  'CUSHION COVER',
  'HOT WATER BOTTLE',
  'PARTY BUNTING',
  'GIFT WRAP',
  'BAKING SET',
  'TEACUP AND SAUCER',
  'STORAGE JAR',
  'COAT HANGER',
  'WATERING CAN',
  'PENCIL CASE',
  'ALARM CLOCK',
];
const PLACEHOLDERS = ['?', 'damaged', 'check', 'lost', 'wet damaged', 'found', ''];

interface Product {
  code: string;
  /** "StockCode,Description," as bytes. */
  cells: Uint8Array;
  /** UnitPrice in thousandths of a pound. */
  price: number;
  /** "UnitPrice," as bytes. */
  priceCell: Uint8Array;
}

/** One non-product code: "StockCode,Description," as bytes. */
interface Special {
  cells: Uint8Array;
}

const special = (code: string, description: string): Special => ({
  cells: cell2(code, description),
});
/** "a,b," with each quoted as CSV needs. */
function cell2(a: string, b: string): Buffer {
  return Buffer.from(`${AtomicCsvFile.field(a)},${AtomicCsvFile.field(b)},`, 'utf8');
}
/** Thousandths of a pound as Python writes the float: 2550 -> "2.55", 18000 -> "18.0". */
function pyFloat(mills: number): string {
  const s = String(mills / 1000);
  return s.includes('.') ? s : `${s}.0`;
}
const POST = special('POST', 'POSTAGE');
const DOT = special('DOT', 'DOTCOM POSTAGE');
const CARRIAGE = special('C2', 'CARRIAGE');
const MANUAL = special('M', 'Manual');
const DISCOUNT = special('D', 'Discount');
const SAMPLES = special('S', 'SAMPLES');
const BAD_DEBT = special('B', 'Adjust bad debt');
const BANK = special('BANK CHARGES', 'Bank Charges');
const AMAZON = special('AMAZONFEE', 'AMAZON FEE');
const CRUK = special('CRUK', 'CRUK Commission');
const PADS = special('PADS', 'PADS TO MATCH ALL CUSHIONS');

// Kinds of invoice.
const PURCHASE = 0;
const CANCELLATION = 1;
const GUEST = 2;
const GIANT = 3;
/** Single-line invoices of a non-product code; the sign of the quantity says which. */
const FEE = 4;
const ADJUSTMENT = 5;
const WRITE_OFF = 6;

/** Single-line fee invoices per 1,000 purchase invoices (at least one of each). */
const FEES: {
  code: Special;
  per1000: number;
  negative: boolean;
  customer: boolean;
  lo: number;
  hi: number;
}[] = [
  { code: DISCOUNT, per1000: 3, negative: true, customer: true, lo: 5, hi: 120 },
  { code: CRUK, per1000: 0.7, negative: true, customer: true, lo: 40, hi: 650 },
  { code: SAMPLES, per1000: 2.5, negative: true, customer: false, lo: 2, hi: 110 },
  { code: AMAZON, per1000: 1.3, negative: true, customer: false, lo: 4500, hi: 6500 },
  { code: BANK, per1000: 0.8, negative: true, customer: false, lo: 20, hi: 500 },
  { code: BANK, per1000: 1, negative: false, customer: true, lo: 15, hi: 15 },
  { code: MANUAL, per1000: 2, negative: true, customer: false, lo: 1, hi: 300 },
  { code: MANUAL, per1000: 8, negative: false, customer: true, lo: 0.5, hi: 30 },
  { code: PADS, per1000: 0.2, negative: false, customer: true, lo: 0.001, hi: 0.001 },
];

const COMMA = 44;

/** Writes the log as CSV (and the truth file when asked); see the module comment. */
export async function writeTransactionLogCsv(
  path: string,
  opts: TransactionLogOptions,
): Promise<{ rows: number; customers: number }> {
  const n = opts.customers;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`customers must be a whole number >= 1, got ${n}`);
  const seed = (opts.seed ?? 42) >>> 0;
  const rng = new Rng(seed);

  const products = makeCatalogue(new Rng(mix(seed, 0x7a11)), Math.min(3684, 400 + 8 * n));
  const popularity = new AliasTable(products.map((_, i) => 1 / (i + 10) ** 0.9));
  const countries = COUNTRIES.map(([name]) => AtomicCsvFile.field(name));
  const abroadCum = cumulative(COUNTRIES.map(([, w]) => w));
  const typeCum = cumulative(TRANSACTION_LOG_CUSTOMER_TYPES.map((t) => t.share));
  const quantityCum = QUANTITY_WEIGHTS.map(cumulative);
  const calendar = new Calendar();

  // Customers: id, type, country.
  const customerId = new Float64Array(n);
  const customerType = new Uint8Array(n);
  const customerCountry = new Uint8Array(n);
  let id = FIRST_CUSTOMER;
  for (let c = 0; c < n; c++) {
    customerId[c] = id;
    id += rng.next() < 0.35 ? 2 + rng.int(2) : 1;
    customerType[c] = pick(rng, typeCum);
    customerCountry[c] = rng.next() < UK_SHARE ? 0 : pick(rng, abroadCum);
  }

  // Invoice headers first (a few numbers each), sorted by time below; lines are made while writing.
  const inv = new InvoiceTable();
  for (let c = 0; c < n; c++) {
    const t = TYPES[customerType[c]!]!;
    const count = t.min + poisson(rng, t.extra);
    for (let k = 0; k < count; k++) {
      const time = calendar.draw(rng);
      const purchase = inv.add(time, PURCHASE, c, -1);
      if (rng.next() < t.cancel) inv.add(calendar.after(rng, time), CANCELLATION, c, purchase);
    }
  }
  const purchases = inv.length;
  for (let g = Math.round(0.12 * purchases); g > 0; g--) inv.add(calendar.draw(rng), GUEST, -1, -1);
  for (let g = Math.max(1, Math.round(purchases / 200)); g > 0; g--)
    inv.add(calendar.draw(rng), WRITE_OFF, -1, -1);
  // The giant orders bought and cancelled within the hour, like the real 80,995 and 74,215.
  for (let g = Math.max(1, Math.round(purchases / 100_000)); g > 0; g--) {
    const time = calendar.draw(rng);
    const parent = inv.add(time, GIANT, rng.int(n), -1);
    inv.add(
      Math.min(calendar.closing(time), time + 1 + rng.int(30)),
      CANCELLATION,
      inv.customer[parent]!,
      parent,
    );
  }
  // The CRUK commissions all go to one high-value customer, as in the real log.
  const crukCustomer = Math.max(0, customerType.indexOf(0));
  FEES.forEach((fee, f) => {
    for (let g = Math.max(1, Math.round((fee.per1000 * purchases) / 1000)); g > 0; g--) {
      const customer = !fee.customer ? -1 : fee.code === CRUK ? crukCustomer : rng.int(n);
      inv.add(calendar.draw(rng), FEE, customer, f);
    }
  });
  // Three bad-debt adjustments a minute apart, the first positive and the others negative.
  const adjustTime = calendar.draw(rng);
  for (let a = 0; a < 3; a++) inv.add(adjustTime + a, ADJUSTMENT, -1, a);

  const order = inv.order();
  const w = new AtomicCsvFile(path);
  const truth = opts.truthOut ? new AtomicCsvFile(opts.truthOut) : null;
  const lines = new LineBuffer();
  let rows = 0;
  try {
    w.text(`${TRANSACTION_LOG_COLUMNS.join(',')}\n`);
    let number = FIRST_INVOICE;
    for (let o = 0; o < order.length; o++) {
      if (w.full) await w.flush();
      const i = order[o]!;
      const kind = inv.kind[i]!;
      const customer = inv.customer[i]!;
      const irng = new Rng(mix(seed, i + 1));
      lines.length = 0;
      let country =
        customer >= 0 ? customerCountry[customer]! : irng.next() < 0.9 ? 0 : pick(irng, abroadCum);
      let prefix = '';
      if (kind === PURCHASE || kind === GIANT) {
        productLines(lines, irng, seed, kind, customer, customerType, products, popularity, quantityCum);
        extras(lines, irng, country);
      } else if (kind === CANCELLATION) {
        prefix = 'C';
        const parent = inv.ref[i]!;
        const prng = new Rng(mix(seed, parent + 1));
        productLines(
          lines,
          prng,
          seed,
          inv.kind[parent]!,
          customer,
          customerType,
          products,
          popularity,
          quantityCum,
        );
        takeBack(lines, irng, inv.kind[parent] === GIANT ? 1 : TYPES[customerType[customer]!]!.cancelShare);
        country = customerCountry[customer]!;
      } else if (kind === GUEST) {
        const count = 1 + poisson(irng, 35);
        for (let k = 0; k < count; k++) {
          const p = drawProduct(irng, popularity);
          lines.push(p, PACK_SIZES[pick(irng, quantityCum[2]!)]!, products[p]!.price);
        }
        if (irng.next() < 0.5) lines.pushSpecial(DOT, 1, Math.round(count * (2000 + irng.int(4000))));
      } else if (kind === WRITE_OFF) {
        const p = drawProduct(irng, popularity);
        const text = PLACEHOLDERS[irng.int(PLACEHOLDERS.length)]!;
        lines.push(
          p,
          irng.next() < 0.7 ? -(1 + irng.int(60)) : 1 + irng.int(60),
          0,
          cell2(products[p]!.code, text),
        );
        country = 0;
      } else if (kind === FEE) {
        const fee = FEES[inv.ref[i]!]!;
        if (fee.negative) prefix = 'C';
        const pounds = fee.lo + (fee.hi - fee.lo) * irng.next();
        const qty = fee.negative ? -1 : fee.code === MANUAL ? 1 + (irng.next() < 0.2 ? irng.int(5) : 0) : 1;
        lines.pushSpecial(fee.code, qty, Math.round(pounds * 100) * 10 || Math.round(pounds * 1000));
      } else {
        prefix = 'A';
        country = 0;
        const amount = 1_000 * (5_000 + new Rng(mix(seed, 0xad)).int(10_000)) + 60; // same for all three
        lines.pushSpecial(BAD_DEBT, 1, inv.ref[i] === 0 ? amount : -amount);
      }

      // The cells every line of the invoice shares are encoded once.
      const head = Buffer.from(`${prefix}${number},`);
      const when = Buffer.from(`,${calendar.format(inv.time[i]!)},`);
      const tail = Buffer.from(`${customer >= 0 ? `${customerId[customer]}.0` : ''},${countries[country]}\n`);
      for (let l = 0; l < lines.length; l++) {
        const p = lines.product[l]!;
        const sp = lines.special[l];
        const price = lines.price[l]!;
        w.bytes(head).bytes(sp ? sp.cells : (lines.text[l] ?? products[p]!.cells));
        w.int(lines.quantity[l]!).bytes(when);
        if (!sp && price === products[p]!.price) w.bytes(products[p]!.priceCell);
        else w.decimal(price, 3).char(COMMA);
        w.bytes(tail);
      }
      rows += lines.length;
      number += irng.next() < 0.3 ? 2 : 1;
    }
    if (truth) {
      truth.text('CustomerID,segment\n');
      const names = TRANSACTION_LOG_CUSTOMER_TYPES.map((t) => Buffer.from(`,${t.name}\n`));
      for (let c = 0; c < n; c++) {
        if (truth.full) await truth.flush();
        truth.int(customerId[c]!).bytes(POINT_ZERO).bytes(names[customerType[c]!]!);
      }
    }
    await w.commit();
    await truth?.commit();
  } catch (err) {
    await w.abort();
    await truth?.abort();
    throw err;
  }
  return { rows, customers: n };
}

const POINT_ZERO = Buffer.from('.0');

/** The lines of one invoice, reused from invoice to invoice. */
class LineBuffer {
  length = 0;
  product: number[] = [];
  quantity: number[] = [];
  /** In thousandths of a pound. */
  price: number[] = [];
  special: (Special | undefined)[] = [];
  /** A description other than the product's (write-offs). */
  text: (Uint8Array | undefined)[] = [];

  push(product: number, quantity: number, price: number, text?: Uint8Array): void {
    const k = this.length++;
    this.product[k] = product;
    this.quantity[k] = quantity;
    this.price[k] = price;
    this.special[k] = undefined;
    this.text[k] = text;
  }

  pushSpecial(code: Special, quantity: number, price: number): void {
    const k = this.length++;
    this.product[k] = -1;
    this.quantity[k] = quantity;
    this.price[k] = price;
    this.special[k] = code;
    this.text[k] = undefined;
  }
}

/**
 * The product lines of a purchase. A cancellation calls this again with the purchase's own seed,
 * so it gets the very same lines back; extras (postage and such) come after, from the same stream.
 */
function productLines(
  lines: LineBuffer,
  rng: Rng,
  seed: number,
  kind: number,
  customer: number,
  customerType: Uint8Array,
  products: Product[],
  popularity: AliasTable,
  quantityCum: Float64Array[],
): void {
  if (kind === GIANT) {
    const p = drawProduct(rng, popularity);
    lines.push(p, 10_000 + rng.int(71_000), Math.min(products[p]!.price, 2_080));
    return;
  }
  const t = TYPES[customerType[customer]!]!;
  const count = 1 + poisson(rng, t.lines);
  const start = lines.length;
  const salt = mix(seed, customer + 0x5eed);
  for (let k = 0; k < count; k++) {
    // Half the lines come from the customer's own favourite products.
    const p = rng.next() < 0.5 ? favourite(salt, rng.int(24), products.length) : drawProduct(rng, popularity);
    let seen = false;
    for (let j = start; j < lines.length && !seen; j++) seen = lines.product[j] === p;
    if (seen) continue;
    lines.push(p, PACK_SIZES[pick(rng, quantityCum[t.quantities]!)]!, products[p]!.price);
    // Now and then a line is entered twice: an exact duplicate row, as in the real log.
    if (rng.next() < 0.004) lines.push(p, lines.quantity[lines.length - 1]!, products[p]!.price);
  }
}

/** Postage for customers abroad, carriage to Ireland, and the occasional manual line. */
function extras(lines: LineBuffer, rng: Rng, country: number): void {
  if (country !== 0 && rng.next() < 0.6)
    lines.pushSpecial(POST, 1 + rng.int(3), rng.next() < 0.8 ? 18_000 : 28_000);
  if (country === EIRE && rng.next() < 0.3) lines.pushSpecial(CARRIAGE, 1, 50_000);
  if (rng.next() < 0.003) lines.pushSpecial(MANUAL, 1, 1_000 * (1 + rng.int(20)));
}

/** Turns a purchase's lines into its cancellation: some of them, with negative quantities. */
function takeBack(lines: LineBuffer, rng: Rng, share: number): void {
  let kept = 0;
  const first = rng.int(lines.length); // at least one line goes back
  for (let k = 0; k < lines.length; k++) {
    if (k !== first && rng.next() >= share) continue;
    const q = lines.quantity[k]!;
    const back = share >= 0.5 || rng.next() < 0.6 ? q : 1 + rng.int(q);
    lines.product[kept] = lines.product[k]!;
    lines.quantity[kept] = -back;
    lines.price[kept] = lines.price[k]!;
    lines.special[kept] = undefined;
    lines.text[kept] = undefined;
    kept++;
  }
  lines.length = kept;
}

/** Invoice headers: when, what kind, whose, and a reference (the cancelled purchase, the fee). */
class InvoiceTable {
  length = 0;
  time: number[] = [];
  kind: number[] = [];
  customer: number[] = [];
  ref: number[] = [];

  add(time: number, kind: number, customer: number, ref: number): number {
    const i = this.length++;
    this.time.push(time);
    this.kind.push(kind);
    this.customer.push(customer);
    this.ref.push(ref);
    return i;
  }

  /** Invoice indices by time; ties keep the order they were added in (a purchase before its cancellation). */
  order(): Int32Array {
    const keys = new Float64Array(this.length);
    for (let i = 0; i < this.length; i++) keys[i] = this.time[i]! * 2 ** 26 + i;
    keys.sort();
    const out = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = keys[i]! % 2 ** 26;
    return out;
  }
}

/** Minutes since 2010-12-01 00:00 on trading days and hours. */
class Calendar {
  private readonly open: Int32Array;
  private readonly openCum: Float64Array;
  private readonly hourCum: Float64Array;
  private readonly dates: string[] = [];

  constructor() {
    const open: number[] = [];
    const weights: number[] = [];
    for (let d = 0; d < DAYS; d++) {
      const date = new Date(START + d * 86_400_000);
      this.dates.push(date.toISOString().slice(0, 10));
      const dow = date.getUTCDay();
      const closed = dow === 6 || (d >= 23 && d <= 33); // Saturdays; 2010-12-24 .. 2011-01-03
      if (closed) continue;
      open.push(d);
      // Busier towards the autumn, quieter on Sundays.
      const month = date.getUTCMonth();
      const season = month >= 8 && month <= 10 ? 1.6 : month === 11 ? 1.3 : 1;
      weights.push(season * (dow === 0 ? 0.6 : 1));
    }
    this.open = Int32Array.from(open);
    this.openCum = cumulative(weights);
    this.hourCum = cumulative([1, 4, 8, 10, 11, 12, 11, 10, 8, 6, 4, 2, 1, 0.5]); // 07:00 .. 20:00
  }

  draw(rng: Rng): number {
    const day = this.open[pick(rng, this.openCum)]!;
    return this.at(day, 7 * 60 + 60 * pick(rng, this.hourCum) + rng.int(60));
  }

  /** A time after `time`: the same day, or a few trading days later. */
  after(rng: Rng, time: number): number {
    const day = Math.floor(time / 1440);
    const later = day + Math.floor(-Math.log(1 - rng.next()) * 6);
    const k = lowerBound(this.open, later);
    if (later === day || k >= this.open.length) return Math.min(this.closing(time), time + 1 + rng.int(120));
    return this.at(this.open[k]!, 7 * 60 + 60 * pick(rng, this.hourCum) + rng.int(60));
  }

  /** The last minute of trading on `time`'s day (never before `time`). */
  closing(time: number): number {
    const day = Math.floor(time / 1440);
    return Math.max(time, day * 1440 + (day === DAYS - 1 ? LAST_DAY_CLOSE : 20 * 60 + 59));
  }

  /** "2011-03-04 12:30:00" */
  format(time: number): string {
    const minutes = time % 1440;
    const hh = Math.floor(minutes / 60);
    const mm = minutes % 60;
    return `${this.dates[Math.floor(time / 1440)]} ${hh < 10 ? '0' : ''}${hh}:${mm < 10 ? '0' : ''}${mm}:00`;
  }

  private at(day: number, minute: number): number {
    // The first day opens at 08:26 and the last closes at 12:50, as in the real log.
    if (day === 0) minute = Math.max(minute, 8 * 60 + 26);
    if (day === DAYS - 1)
      minute = 8 * 60 + Math.floor(((minute - 7 * 60) * (LAST_DAY_CLOSE - 8 * 60)) / (14 * 60));
    return day * 1440 + minute;
  }
}

function makeCatalogue(rng: Rng, count: number): Product[] {
  const names: string[] = [];
  for (const c of COLOURS) for (const m of MOTIFS) for (const it of ITEMS) names.push(`${c} ${m} ${it}`);
  const order = rng.sample(names.length, Math.min(count, names.length));
  const codes = rng.sample(80_000, order.length);
  const products: Product[] = [];
  for (let k = 0; k < order.length; k++) {
    let name = names[order[k]!]!;
    const u = rng.next();
    if (u < 0.01)
      name = name.replace(' ', ' , '); // "PAPER CRAFT , LITTLE BIRDIE"
    else if (u < 0.2) name += ' '; // trailing whitespace, as in 113,452 real rows
    const suffix = rng.next() < 0.15 ? String.fromCharCode(65 + rng.int(8)) : '';
    // Prices end in 5 or 0 pence, most between 0.40 and 10 pounds.
    const pounds = Math.min(300, Math.max(0.19, 2.1 * Math.exp(0.8 * rng.normal())));
    let pence = Math.round(pounds * 20) * 5;
    if (pence > 50 && rng.next() < 0.5) pence -= 5;
    const code = `${10_002 + codes[k]!}${suffix}`;
    const price = pence * 10;
    products.push({ code, cells: cell2(code, name), price, priceCell: Buffer.from(`${pyFloat(price)},`) });
  }
  return products;
}

/** The k-th favourite product of the customer `salt` stands for: fixed per customer and seed. */
function favourite(salt: number, k: number, size: number): number {
  return mix(salt, k + 1) % size;
}

function drawProduct(rng: Rng, popularity: AliasTable): number {
  return popularity.draw(rng);
}

/** Walker's alias method: an index drawn by weight in O(1), from one random number. */
class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    const total = weights.reduce((a, b) => a + b, 0);
    const scaled = weights.map((x) => (x * n) / total);
    this.prob = new Float64Array(n).fill(1);
    this.alias = new Int32Array(n);
    for (let i = 0; i < n; i++) this.alias[i] = i;
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) (scaled[i]! < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
  }

  draw(rng: Rng): number {
    const u = rng.next() * this.prob.length;
    const i = Math.floor(u);
    return u - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** The first index whose value is >= x (arrays in increasing order). */
function lowerBound(arr: Float64Array | Int32Array, x: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A 32-bit hash of two numbers, for per-invoice and per-customer seeds. */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
