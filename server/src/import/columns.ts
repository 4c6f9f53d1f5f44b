/**
 * Which column holds what: the header dictionary for Chinese platform exports and English files,
 * `累计…` (cumulative) variants, rate columns recognised and left out (they are derived), and the
 * planner's explicit mapping, which wins for the columns it names.
 */
import {
  type BaseMetric,
  type TrafficChannel,
  type ChannelField,
  type ColumnMapping,
  type IgnoredColumn,
  type MappingTarget,
  type Metric,
  METRICS,
} from '@warroom/shared';
import { ImportFileError } from './errors';
import { channelColumn, isSourceHeader, sourceField } from './channels';

type TimeKind = 'time' | 'minute';

/** Normalized header → what it holds. A Map: a header is user text, and `constructor` must not find Object. */
const DICTIONARY = new Map<string, BaseMetric | TimeKind>();
function words(target: BaseMetric | TimeKind, ...names: string[]) {
  for (const n of names) DICTIONARY.set(normalize(n), target);
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
// Orders placed (下单) and not necessarily paid, and first-time buyers: 生意参谋 exports name them so.
words(
  'placedOrders',
  '下单买家数',
  '下单人数',
  '下单用户数',
  'placedorders',
  'placed orders',
  'orders placed',
  'placed buyers',
);
words('placedGmv', '下单金额', 'placedgmv', 'placed gmv', 'placed amount', 'order amount');
words(
  'newBuyers',
  '新买家数',
  '新客数',
  '新支付买家数',
  '支付新买家数',
  '新成交客户数',
  'newbuyers',
  'new buyers',
  'new customers',
);

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
  metric: BaseMetric;
  cumulative: boolean;
}

/** A wide channel column: one channel's figure (直通车花费). */
export interface ChannelColumn {
  index: number;
  header: string;
  channel: TrafficChannel;
  field: ChannelField;
}

export interface ColumnPlan {
  time: { index: number; header: string; kind: TimeKind };
  metrics: MetricColumn[];
  /** Wide channel columns (per minute, never running totals). */
  channels: ChannelColumn[];
  /** A 流量来源 export: the source column, and the figures of each row's source. */
  source: { index: number; header: string } | null;
  sourceFields: { index: number; header: string; field: ChannelField }[];
  /** Of the seven a reading always carries, those no column gives (order measures stay unsent). */
  absent: Metric[];
  mapping: Record<string, MappingTarget>;
  ignored: IgnoredColumn[];
  cumulativeColumns: string[];
  width: number;
}

function recognise(header: string): { target: BaseMetric | TimeKind; cumulative: boolean } | 'rate' | null {
  const n = normalize(header);
  if (!n) return null;
  const direct = DICTIONARY.get(n);
  if (direct) return { target: direct, cumulative: false };
  for (const p of CUMULATIVE_PREFIXES) {
    if (n.startsWith(p)) {
      const rest = DICTIONARY.get(n.slice(p.length));
      if (rest && rest !== 'time' && rest !== 'minute') return { target: rest, cumulative: true };
    }
  }
  if (isRate(n)) return 'rate';
  return null;
}

type Found =
  | { target: BaseMetric | TimeKind; cumulative: boolean }
  | { channel: TrafficChannel; field: ChannelField }
  | { source: true }
  | { sourceField: ChannelField };

function fromMapping(target: MappingTarget): Found | 'ignore' {
  if (target === 'ignore') return 'ignore';
  if (target === 'source') return { source: true };
  if (target.startsWith('source:')) return { sourceField: target.slice('source:'.length) as ChannelField };
  if (target.startsWith('channel:')) {
    const [, channel, field] = target.split(':');
    return { channel: channel as TrafficChannel, field: field as ChannelField };
  }
  if (target.startsWith('cumulative:'))
    return { target: target.slice('cumulative:'.length) as BaseMetric, cumulative: true };
  return { target: target as BaseMetric | TimeKind, cumulative: false };
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
  // Keyed by header text: without a prototype, a column named __proto__ is an entry like any other.
  const mapping = Object.create(null) as Record<string, MappingTarget>;
  const ignored: IgnoredColumn[] = [];
  const metrics: MetricColumn[] = [];
  const times: { index: number; header: string; kind: TimeKind }[] = [];
  const taken = new Map<BaseMetric, string>();
  const channels: ChannelColumn[] = [];
  const channelTaken = new Map<string, string>();
  const sources: { index: number; header: string }[] = [];
  const spendColumns: { index: number; header: string }[] = [];
  header.forEach((h, index) => {
    const label = h === '' ? `column ${index + 1}` : h;
    const mapped = explicit.get(h);
    let found: Found | 'rate' | 'ignore' | null = mapped ? fromMapping(mapped) : recognise(h);
    if (!mapped && !found) {
      const ch = channelColumn(h);
      if (ch) found = ch;
      else if (isSourceHeader(h)) found = { source: true };
      else if (sourceField(h) === 'spend') found = { sourceField: 'spend' };
    }
    if (found && found !== 'rate' && found !== 'ignore') {
      if ('source' in found) {
        sources.push({ index, header: label });
        return;
      }
      if ('sourceField' in found) {
        if (found.sourceField === 'spend') spendColumns.push({ index, header: label });
        else metrics.push({ index, header: label, metric: found.sourceField, cumulative: false });
        return;
      }
      if ('channel' in found) {
        const key = `${found.channel}:${found.field}`;
        const other = channelTaken.get(key);
        if (other !== undefined) {
          ignored.push({ column: label, reason: `'${other}' already gives ${found.channel} ${found.field}` });
          return;
        }
        channelTaken.set(key, label);
        channels.push({ index, header: label, ...found });
        mapping[label] = `channel:${found.channel}:${found.field}`;
        return;
      }
    }
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
  const source = sources[0] ?? null;
  for (const s of sources.slice(1))
    ignored.push({ column: s.header, reason: `'${source!.header}' gives the 流量来源` });
  const sourceFields: ColumnPlan['sourceFields'] = [];
  if (source) {
    // A 流量来源 export: each row is one source's figures, not the launch's.
    mapping[source.header] = 'source';
    for (const m of metrics.splice(0)) {
      const field = m.metric === 'uv' || m.metric === 'orders' || m.metric === 'gmv' ? m.metric : null;
      if (field && !m.cumulative && !sourceFields.some((f) => f.field === field)) {
        sourceFields.push({ index: m.index, header: m.header, field });
        mapping[m.header] = `source:${field}`;
      } else {
        delete mapping[m.header];
        ignored.push({
          column: m.header,
          reason:
            'a 流量来源 export carries 访客数, 支付买家数, 支付金额 and 花费 per source (per minute): not imported',
        });
      }
    }
    for (const s of spendColumns.slice(0, 1)) {
      sourceFields.push({ index: s.index, header: s.header, field: 'spend' });
      mapping[s.header] = 'source:spend';
    }
    for (const s of spendColumns.slice(1))
      ignored.push({ column: s.header, reason: 'another column gives 花费' });
    if (sourceFields.length === 0)
      throw new ImportFileError(
        `a 流量来源 export needs 访客数, 支付买家数, 支付金额 or 花费 columns; the header is: ${header.join(', ')}`,
      );
  } else {
    for (const s of spendColumns)
      ignored.push({
        column: s.header,
        reason:
          'spend (花费) needs its channel: name the column 直通车花费 (or ztc.spend), or add a 流量来源 column',
      });
  }
  if (metrics.length === 0 && channels.length === 0 && sourceFields.length === 0)
    throw new ImportFileError(
      'no metric column: name them 访客数/uv, 浏览量/pv, 收藏人数/fav, 加购人数/cart, 支付买家数/orders, ' +
        '支付件数/units, 支付金额/gmv, 下单买家数/placedOrders, 下单金额/placedGmv, 新买家数/newBuyers ' +
        `(or 累计… for running totals), or map them; the header is: ${header.join(', ')}`,
    );
  return {
    time,
    metrics,
    channels,
    source,
    sourceFields,
    absent: source ? [...METRICS] : METRICS.filter((m) => !taken.has(m)),
    mapping,
    ignored,
    cumulativeColumns: metrics.filter((m) => m.cumulative).map((m) => m.header),
    width: header.length,
  };
}
