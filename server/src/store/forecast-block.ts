/**
 * How a launch's per-minute curve is kept in its log: as one compact block, not one JSON object per
 * minute. A year-long launch's curve is 525,600 minutes × ten measures; as objects that was one
 * 80 MB log line, written whole on creation and parsed whole on every start. The block holds each
 * measure as a column: when all its values have at most six decimals, the differences of its
 * scaled integers (32-bit when they fit: a smooth curve's are small and repeat, and compress to
 * almost nothing), else the float64 values themselves; all of it deflated with zlib
 * (whose Adler-32 checksum catches a damaged block) and base64-encoded inside the JSON line. The
 * per-minute channel plans, when there are any, go beside it as deflated JSON.
 *
 * Decoding gives back exactly the numbers that were encoded (the same float64 bits), so the fold
 * of a log is the same whether its curve was written as objects (logs before the block) or as a
 * block. A curve the block cannot describe exactly (minutes not one after another, a measure that
 * is not a finite number) is left as it was, objects in the line: the block is an encoding, never
 * a loss. The columns are the measures of `ForecastMinute`, which is what a stored curve is.
 */
import { endianness } from 'node:os';
import { deflateSync, inflateSync } from 'node:zlib';
import type { ForecastMinute, Launch, LaunchEvent } from '@warroom/shared';

export const FORECAST_BLOCK_CODEC = 'warroom.forecast.columns.v1';

interface BlockColumn {
  key: string;
  /** Every value is an integer after × 10^decimals: stored as the differences of those integers. */
  decimals: number | null;
  /** How the column's values are stored: 32-bit integers (differences that fit), else float64. */
  type: 'i32' | 'f64';
}

/** The stored form of a curve (`launch.forecast`, `launch.preheatForecast`) in a log line. */
export interface ForecastBlock {
  codec: typeof FORECAST_BLOCK_CODEC;
  /** The first point's minute; point i is minute first + i. */
  first: number;
  count: number;
  /** The numeric measures, in the order the points had them; a value absent from a point is NaN. */
  columns: BlockColumn[];
  /** base64 of zlib(the columns one after another, each `count` little-endian values of its type). */
  data: string;
  /** base64 of zlib(JSON of every point's `channels`, null where a point has none), when any has. */
  channels?: string;
}

const MAX_DECIMALS = 6;
const LITTLE = endianness() === 'LE';
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/** Stored values are little-endian whatever the machine. */
function swap(bytes: Buffer, type: BlockColumn['type']): void {
  if (type === 'i32') bytes.swap32();
  else bytes.swap64();
}

/** The smallest number of decimals that holds every value exactly as an integer, or null. */
function decimalsOf(values: Float64Array): number | null {
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    let ok = true;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const n = Math.round(v * scale);
      if (!Number.isSafeInteger(n) || n / scale !== v) {
        ok = false;
        break;
      }
    }
    if (ok) return d;
  }
  return null;
}

type Measure = Exclude<keyof ForecastMinute, 'minute' | 'channels'>;
type Point = Record<string, unknown>;

/**
 * Each measure of a stored point (`ForecastMinute`; the compiler checks that every one is here),
 * read and written through a function of its own: a property read or written by a name that
 * changes from call to call is several times slower, over 525,600 points × ten measures.
 */
const MEASURES: {
  [K in Measure]: { get: (p: ForecastMinute) => unknown; set: (p: Point, v: number) => void };
} = {
  uv: { get: (p) => p.uv, set: (p, v) => void (p.uv = v) },
  pv: { get: (p) => p.pv, set: (p, v) => void (p.pv = v) },
  fav: { get: (p) => p.fav, set: (p, v) => void (p.fav = v) },
  cart: { get: (p) => p.cart, set: (p, v) => void (p.cart = v) },
  orders: { get: (p) => p.orders, set: (p, v) => void (p.orders = v) },
  units: { get: (p) => p.units, set: (p, v) => void (p.units = v) },
  gmv: { get: (p) => p.gmv, set: (p, v) => void (p.gmv = v) },
  placedOrders: { get: (p) => p.placedOrders, set: (p, v) => void (p.placedOrders = v) },
  placedGmv: { get: (p) => p.placedGmv, set: (p, v) => void (p.placedGmv = v) },
  newBuyers: { get: (p) => p.newBuyers, set: (p, v) => void (p.newBuyers = v) },
};
const isMeasure = (k: string): k is Measure => Object.hasOwn(MEASURES, k);

/** The curve as a block, or null when the block cannot hold it exactly (then it stays as objects). */
export function encodeForecast(points: readonly ForecastMinute[]): ForecastBlock | null {
  const n = points.length;
  if (n === 0) return null;
  const first = points[0]!.minute;
  let anyChannels = false;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    if (p.minute !== first + i) return null;
    if (p.channels !== undefined) {
      if (p.channels === null || typeof p.channels !== 'object') return null;
      anyChannels = true;
    }
  }
  // One pass over the points (525,600 objects are far apart in memory), every measure at once.
  const keys = Object.keys(MEASURES) as Measure[];
  const gets = keys.map((k) => MEASURES[k].get);
  const raw = keys.map(() => new Float64Array(n));
  const counts = new Array<number>(keys.length).fill(0);
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    for (let c = 0; c < gets.length; c++) {
      const v = gets[c]!(p);
      if (v === undefined) {
        raw[c]![i] = NaN;
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) return null;
      raw[c]![i] = v;
      counts[c]!++;
    }
  }
  const parts: Buffer[] = [];
  const columns: BlockColumn[] = [];
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const column = raw[k]!;
    const present = counts[k]!;
    if (present === 0) continue; // a measure not planned at all: no column
    const decimals = present < n ? null : decimalsOf(column);
    let type: BlockColumn['type'] = 'f64';
    if (decimals !== null) {
      // Differences of the scaled integers: a smooth curve's are small, mostly repeated.
      const scale = 10 ** decimals;
      let previous = 0;
      let small = true;
      for (let i = 0; i < n; i++) {
        const scaled = Math.round(column[i]! * scale);
        const d = scaled - previous;
        if (d < I32_MIN || d > I32_MAX) small = false;
        column[i] = d;
        previous = scaled;
      }
      if (small) type = 'i32';
    }
    const values = type === 'i32' ? new Int32Array(column) : column;
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    if (!LITTLE) swap(bytes, type);
    parts.push(bytes);
    columns.push({ key, decimals, type });
  }
  const block: ForecastBlock = {
    codec: FORECAST_BLOCK_CODEC,
    first,
    count: n,
    columns,
    data: deflateSync(Buffer.concat(parts), { level: 6 }).toString('base64'),
  };
  if (anyChannels)
    block.channels = deflateSync(JSON.stringify(points.map((p) => p.channels ?? null))).toString('base64');
  return block;
}

export function isForecastBlock(v: unknown): v is ForecastBlock {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as ForecastBlock).codec === FORECAST_BLOCK_CODEC
  );
}

/** The points a block holds; throws (with a reason) on a block that does not add up. */
export function decodeForecast(block: ForecastBlock): ForecastMinute[] {
  const { first, count: n, columns } = block;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(n) || n < 0 || !Array.isArray(columns))
    throw new Error('the forecast block has a bad shape');
  const bytes = inflateSync(Buffer.from(block.data, 'base64'));
  const width = (c: BlockColumn) => (c.type === 'i32' ? 4 : 8);
  const size = columns.reduce((sum, c) => sum + n * width(c), 0);
  if (bytes.length !== size) throw new Error(`the forecast block holds ${bytes.length} bytes, not ${size}`);
  let at = 0;
  const values = columns.map((c) => {
    if (c.type !== 'i32' && c.type !== 'f64')
      throw new Error(`the forecast block has a column of type ${String(c.type)}`);
    if (
      c.decimals !== null &&
      !(Number.isInteger(c.decimals) && c.decimals >= 0 && c.decimals <= MAX_DECIMALS)
    )
      throw new Error(`the forecast block has a column of ${String(c.decimals)} decimals`);
    // A copy per column: typed arrays need aligned memory, and the values are made in place.
    const stored = c.type === 'i32' ? new Int32Array(n) : new Float64Array(n);
    const part = Buffer.from(stored.buffer, 0, stored.byteLength);
    bytes.copy(part, 0, at, at + stored.byteLength);
    at += stored.byteLength;
    if (!LITTLE) swap(part, c.type);
    if (c.decimals === null) return stored instanceof Float64Array ? stored : new Float64Array(stored);
    const column = new Float64Array(n);
    const scale = 10 ** c.decimals;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += stored[i]!;
      column[i] = acc / scale;
    }
    return column;
  });
  const channels = block.channels
    ? (JSON.parse(inflateSync(Buffer.from(block.channels, 'base64')).toString('utf8')) as unknown[])
    : null;
  if (channels && channels.length !== n)
    throw new Error('the forecast block has channel plans for other minutes');
  // Every point starts as a copy of one object with every column's key, so all of them share one
  // shape (built key by key they are three times slower to make); a point missing a value (rare:
  // a measure planned for some minutes only) leaves it out.
  const sets = columns.map((c) => {
    if (!isMeasure(c.key)) throw new Error(`the forecast block has a column ${JSON.stringify(c.key)}`);
    return MEASURES[c.key].set;
  });
  const shape: Point = { minute: 0 };
  for (const set of sets) set(shape, 0);
  const points = new Array<ForecastMinute>(n);
  for (let i = 0; i < n; i++) {
    let p: Point = { ...shape };
    p.minute = first + i;
    for (let c = 0; c < sets.length; c++) {
      const v = values[c]![i]!;
      if (Number.isNaN(v)) {
        p = sparsePoint(first + i, sets, values, i);
        break;
      }
      sets[c]!(p, v);
    }
    if (channels && channels[i] !== null) p.channels = channels[i];
    points[i] = p as ForecastMinute;
  }
  return points;
}

function sparsePoint(
  minute: number,
  sets: readonly ((p: Point, v: number) => void)[],
  values: readonly Float64Array[],
  i: number,
): Point {
  const p: Point = { minute };
  for (let c = 0; c < sets.length; c++) if (!Number.isNaN(values[c]![i]!)) sets[c]!(p, values[c]![i]!);
  return p;
}

type Curves = Pick<Launch, 'forecast' | 'preheatForecast'>;

function carriesLaunch(e: LaunchEvent): e is Extract<LaunchEvent, { launch: Launch }> {
  return e.type === 'launch.created' || e.type === 'launch.updated';
}

/** The event as its log line holds it: a launch's curves as blocks. The event itself is untouched. */
export function compactEvent(e: LaunchEvent): LaunchEvent {
  if (!carriesLaunch(e)) return e;
  const forecast = encodeForecast(e.launch.forecast);
  const preheat = e.launch.preheatForecast ? encodeForecast(e.launch.preheatForecast) : null;
  if (!forecast && !preheat) return e;
  const launch = { ...e.launch } as Record<keyof Curves, unknown>;
  if (forecast) launch.forecast = forecast;
  if (preheat) launch.preheatForecast = preheat;
  return { ...e, launch } as LaunchEvent;
}

/** The event a log line held, its curves as points again. Throws on a damaged block. */
export function expandEvent(e: LaunchEvent): LaunchEvent {
  if (!carriesLaunch(e)) return e;
  const launch = e.launch as unknown as Record<keyof Curves, unknown>;
  if (isForecastBlock(launch.forecast)) launch.forecast = decodeForecast(launch.forecast);
  if (isForecastBlock(launch.preheatForecast))
    launch.preheatForecast = decodeForecast(launch.preheatForecast);
  return e;
}
