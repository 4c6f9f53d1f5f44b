/**
 * Which column holds what: the header dictionary for Chinese platform exports and English files,
 * `累计…` (cumulative) variants, rate columns recognised and left out (they are derived), and the
 * planner's explicit mapping, which wins for the columns it names.
 */
import {
  type ColumnMapping,
  type IgnoredColumn,
  type MappingTarget,
  type Metric,
  METRICS,
} from '@warroom/shared';
import { ImportFileError } from './errors';

type TimeKind = 'time' | 'minute';

const DICTIONARY: Record<string, Metric | TimeKind> = {};
function words(target: Metric | TimeKind, ...names: string[]) {
  for (const n of names) DICTIONARY[normalize(n)] = target;
}

/** Lower case, no spaces, underscores, hyphens or dots, no unit in brackets: "支付金额(元)" → "支付金额". */
export function normalize(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/[\s_\-.·:：/]+/g, '')
    .toLowerCase();
}

words(
  'time',
  '时间',
  '统计时间',
  '日期时间',
  '日期',
  '时间点',
  'time',
  'at',
  'datetime',
  'date time',
  'timestamp',
);
words('minute', 'minute', 'minutes', '分钟', '开团分钟', 'min', 'offset');
words('uv', '访客数', '访客', '访问人数', 'uv', 'visitors');
words('pv', '浏览量', '浏览次数', 'pv', 'page views', 'views');
words(
  'fav',
  '收藏人数',
  '收藏次数',
  '收藏数',
  '收藏',
  '商品收藏人数',
  'fav',
  'favs',
  'favourites',
  'favorites',
);
words('cart', '加购人数', '加购件数', '加购数', '加购', 'cart', 'add to cart', 'carts');
words('orders', '支付买家数', '支付人数', '买家数', 'orders', 'buyers');
words('units', '支付件数', '销量', 'units', 'units sold');
words('gmv', '支付金额', '成交金额', '销售额', 'gmv', 'revenue', 'sales');

const RATES = new Set(
  [
    '转化率',
    '支付转化率',
    '下单转化率',
    '客单价',
    '件单价',
    'uv价值',
    'conversion',
    'conversion rate',
    'cvr',
    'ctr',
    'aov',
  ].map(normalize),
);
const isRate = (n: string) => RATES.has(n) || n.endsWith('率') || n.endsWith('rate');

const CUMULATIVE_PREFIXES = ['累计', 'cumulative', 'cum'];

export interface MetricColumn {
  index: number;
  header: string;
  metric: Metric;
  cumulative: boolean;
}

export interface ColumnPlan {
  time: { index: number; header: string; kind: TimeKind };
  metrics: MetricColumn[];
  /** Metrics no column gives. */
  absent: Metric[];
  mapping: Record<string, MappingTarget>;
  ignored: IgnoredColumn[];
  cumulativeColumns: string[];
  width: number;
}

function recognise(header: string): { target: Metric | TimeKind; cumulative: boolean } | 'rate' | null {
  const n = normalize(header);
  if (!n) return null;
  const direct = DICTIONARY[n];
  if (direct) return { target: direct, cumulative: false };
  for (const p of CUMULATIVE_PREFIXES) {
    if (n.startsWith(p)) {
      const rest = DICTIONARY[n.slice(p.length)];
      if (rest && rest !== 'time' && rest !== 'minute') return { target: rest, cumulative: true };
    }
  }
  if (isRate(n)) return 'rate';
  return null;
}

function fromMapping(target: MappingTarget): { target: Metric | TimeKind; cumulative: boolean } | 'ignore' {
  if (target === 'ignore') return 'ignore';
  if (target.startsWith('cumulative:'))
    return { target: target.slice('cumulative:'.length) as Metric, cumulative: true };
  return { target: target as Metric | TimeKind, cumulative: false };
}

/**
 * Decides what each column is. Throws ImportFileError when the file cannot be read as readings at
 * all (no time column, no metric, a mapping naming a column that is not there).
 */
export function planColumns(
  header: readonly string[],
  opts: { mapping?: ColumnMapping | undefined; cumulative?: boolean | undefined },
): ColumnPlan {
  const explicit = new Map<string, MappingTarget>();
  const headerSet = new Set(header);
  const normalizedHeaders = new Map(header.map((h) => [normalize(h), h]));
  for (const [name, target] of Object.entries(opts.mapping ?? {})) {
    const actual = headerSet.has(name.trim()) ? name.trim() : normalizedHeaders.get(normalize(name));
    if (actual === undefined)
      throw new ImportFileError(
        `the mapping names a column '${name}' but the header has no such column; the header is: ${header.join(', ')}`,
      );
    explicit.set(actual, target);
  }
  const mapping: Record<string, MappingTarget> = {};
  const ignored: IgnoredColumn[] = [];
  const metrics: MetricColumn[] = [];
  const times: { index: number; header: string; kind: TimeKind }[] = [];
  const taken = new Map<Metric, string>();
  header.forEach((h, index) => {
    const label = h === '' ? `column ${index + 1}` : h;
    const mapped = explicit.get(h);
    const found = mapped ? fromMapping(mapped) : recognise(h);
    if (found === 'ignore') {
      ignored.push({ column: label, reason: 'ignored by the mapping' });
      return;
    }
    if (found === 'rate') {
      ignored.push({ column: label, reason: 'a rate, derived from the counts: not stored' });
      return;
    }
    if (!found) {
      ignored.push({
        column: label,
        reason: 'not a known column name; map it with mapping={"<header>": "<metric>"} to import it',
      });
      return;
    }
    const { target } = found;
    if (target === 'time' || target === 'minute') {
      times.push({ index, header: label, kind: target });
      return;
    }
    const cumulative = found.cumulative || opts.cumulative === true;
    const other = taken.get(target);
    if (other !== undefined) {
      ignored.push({ column: label, reason: `'${other}' already gives ${target}` });
      return;
    }
    taken.set(target, label);
    metrics.push({ index, header: label, metric: target, cumulative });
    mapping[label] = cumulative ? `cumulative:${target}` : target;
  });
  // A minute offset is exact; a time next to it is only a label.
  const time = times.find((t) => t.kind === 'minute') ?? times[0];
  if (!time)
    throw new ImportFileError(
      'no time column: name one 时间, 统计时间, 日期时间 or at (a date-time), or minute (minutes from 开团), ' +
        `or map one with mapping={"<header>": "time"}; the header is: ${header.join(', ')}`,
    );
  for (const t of times) {
    if (t === time) continue;
    ignored.push({ column: t.header, reason: `'${time.header}' gives the minute` });
  }
  mapping[time.header] = time.kind;
  if (metrics.length === 0)
    throw new ImportFileError(
      'no metric column: name them 访客数/uv, 浏览量/pv, 收藏人数/fav, 加购人数/cart, 支付买家数/orders, ' +
        `支付件数/units, 支付金额/gmv (or 累计… for running totals), or map them; the header is: ${header.join(', ')}`,
    );
  return {
    time,
    metrics,
    absent: METRICS.filter((m) => !taken.has(m)),
    mapping,
    ignored,
    cumulativeColumns: metrics.filter((m) => m.cumulative).map((m) => m.header),
    width: header.length,
  };
}
