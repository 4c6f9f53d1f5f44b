/**
 * Readings and forecasts back out as CSV that this importer reads back unchanged: the same header
 * dictionary, a time and a minute column, the figures as numbers. How cells are written (BOM, CRLF,
 * formula neutralising, quoting) is ../csv.ts's one policy.
 */
import {
  type BaseMetric,
  CHANNELS,
  CHANNEL_FIELDS,
  type ChannelBreakdown,
  type Launch,
  type Metric,
  METRICS,
  MINUTE_MS,
  ORDER_METRICS,
  type OrderMetric,
  zoneOffsetMinutes,
} from '@warroom/shared';
import { type CsvCell, type CsvRow, csvChunks } from '../csv';
import { channelHeader } from './channels';

export const EXPORT_HEADERS: Record<'zh' | 'en', Record<BaseMetric | 'time' | 'minute', string>> = {
  zh: {
    time: '时间',
    minute: '分钟',
    uv: '访客数',
    pv: '浏览量',
    fav: '收藏人数',
    cart: '加购人数',
    orders: '支付买家数',
    units: '支付件数',
    gmv: '支付金额',
    placedOrders: '下单买家数',
    placedGmv: '下单金额',
    newBuyers: '新买家数',
  },
  en: {
    time: 'at',
    minute: 'minute',
    uv: 'uv',
    pv: 'pv',
    fav: 'fav',
    cart: 'cart',
    orders: 'orders',
    units: 'units',
    gmv: 'gmv',
    placedOrders: 'placedOrders',
    placedGmv: 'placedGmv',
    newBuyers: 'newBuyers',
  },
};

const HOUR_MS = 3_600_000;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));

/**
 * ISO text with the zone's offset. A year of minutes is half a million cells, so the offset is
 * looked up once per hour and the date, hour and offset text are built once per local hour.
 */
function isoFormatter(zone: string): (ms: number) => string {
  const offsets = new Map<number, number>();
  let hourStart = NaN;
  let hourOffset = NaN;
  let prefix = '';
  let suffix = '';
  return (ms) => {
    const hour = Math.floor(ms / HOUR_MS);
    let off = offsets.get(hour);
    if (off === undefined) {
      off = zoneOffsetMinutes(hour * HOUR_MS, zone);
      offsets.set(hour, off);
    }
    const local = Math.floor((ms + off * MINUTE_MS) / 1000) * 1000;
    const localHour = Math.floor(local / HOUR_MS) * HOUR_MS;
    if (localHour !== hourStart || off !== hourOffset) {
      const d = new Date(localHour);
      const abs = Math.abs(off);
      hourStart = localHour;
      hourOffset = off;
      prefix = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:`;
      suffix = `${off >= 0 ? '+' : '-'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    }
    const inHour = local - localHour;
    return `${prefix}${TWO_DIGITS[Math.floor(inHour / MINUTE_MS)]}:${TWO_DIGITS[(inHour % MINUTE_MS) / 1000]}${suffix}`;
  };
}

type MinuteRow = { minute: number; channels?: ChannelBreakdown | undefined } & Record<Metric, number> &
  Partial<Record<OrderMetric, number>>;

/**
 * The CSV in chunks of about `rowsPerChunk` lines, BOM first. The seven measures always; an order
 * measure (下单买家数, 下单金额, 新买家数) when any row carries it, empty in the rows that do not (an
 * empty cell of an order measure imports as not sent); likewise each channel's figure (直通车访客数,
 * 直通车花费 …; `ztc.uv`, `ztc.spend` in English).
 */
export function minutesCsv(
  launch: Pick<Launch, 'startAt' | 'timezone'>,
  rows: readonly MinuteRow[],
  headers: 'zh' | 'en',
  rowsPerChunk = 2000,
): Generator<string> {
  const names = EXPORT_HEADERS[headers];
  const iso = isoFormatter(launch.timezone);
  const startMs = Date.parse(launch.startAt);
  const orders = ORDER_METRICS.filter((m) => rows.some((r) => r[m] !== undefined));
  // A channel's figure gets a column (直通车访客数, ztc.uv …) when any row carries it.
  const channelCols = CHANNELS.flatMap((c) =>
    CHANNEL_FIELDS.filter((f) => rows.some((r) => r.channels?.[c]?.[f] !== undefined)).map((f) => ({ c, f })),
  );
  function* records(): Generator<CsvRow> {
    yield [
      names.time,
      names.minute,
      ...METRICS.map((m) => names[m]),
      ...orders.map((m) => names[m]),
      ...channelCols.map(({ c, f }) => channelHeader(c, f, headers)),
    ];
    for (const r of rows) {
      const row: CsvCell[] = [iso(startMs + r.minute * MINUTE_MS), r.minute];
      for (const m of METRICS) row.push(r[m]);
      for (const m of orders) row.push(r[m] ?? '');
      for (const { c, f } of channelCols) row.push(r.channels?.[c]?.[f] ?? '');
      yield row;
    }
  }
  return csvChunks(records(), rowsPerChunk);
}
