/**
 * Channel columns (流量来源) in imports and exports. Two shapes:
 *
 * - wide: a readings file with a column per channel and figure — 直通车访客数, 直通车花费 … (or
 *   `ztc.uv`, `ztc.spend` in English) — as the readings export writes them;
 * - long: a 生意参谋 流量来源 export, one row per source per minute — 流量来源, 访客数, 支付买家数,
 *   支付金额, 花费 — whose sources (手淘搜索, 直通车, 引力魔方, 淘宝客, 抖音 …) are mapped to the
 *   channels; several sources of one channel in a minute add up.
 *
 * Headers and source names are user text: they are looked up in Maps and arrays, never as object
 * keys.
 */
import {
  CHANNELS,
  CHANNEL_FIELDS,
  CHANNEL_LABELS,
  type TrafficChannel,
  type ChannelField,
} from '@warroom/shared';
import { normalize } from './columns';

const CHANNEL_ALIASES: readonly (readonly [TrafficChannel, readonly string[]])[] = [
  ['organic', ['站内免费', '淘内免费', 'organic']],
  ['ztc', ['直通车', 'ztc']],
  ['display', ['钻展/引力魔方', '引力魔方', '钻展', 'display']],
  ['affiliate', ['淘宝客', '淘客', 'affiliate']],
  ['offsite', ['站外/社交', '站外', 'offsite']],
  ['other', ['其他', 'other']],
];
const FIELD_ALIASES: readonly (readonly [ChannelField, readonly string[]])[] = [
  ['uv', ['访客数', '访客', 'uv', 'visitors']],
  ['orders', ['支付买家数', '买家数', 'orders', 'buyers']],
  ['gmv', ['支付金额', '成交金额', 'gmv']],
  ['spend', ['花费', '消耗', '推广花费', 'spend', 'cost']],
];
const SOURCE_HEADERS = new Set(
  ['流量来源', '来源', '来源名称', '流量渠道', '渠道', 'source', 'channel'].map(normalize),
);

/** TrafficChannel alias prefixes, longest first (钻展引力魔方 before 钻展). */
const PREFIXES = CHANNEL_ALIASES.flatMap(([c, names]) => names.map((n) => [normalize(n), c] as const)).sort(
  (a, b) => b[0].length - a[0].length,
);
const FIELDS = new Map(FIELD_ALIASES.flatMap(([f, names]) => names.map((n) => [normalize(n), f] as const)));

/** A wide channel column's channel and figure (直通车花费 → ztc spend), or null. */
export function channelColumn(header: string): { channel: TrafficChannel; field: ChannelField } | null {
  const n = normalize(header);
  for (const [prefix, channel] of PREFIXES) {
    if (!n.startsWith(prefix)) continue;
    const field = FIELDS.get(n.slice(prefix.length));
    if (field) return { channel, field };
  }
  return null;
}

/** Whether a header names the 流量来源 column of a long export. */
export function isSourceHeader(header: string): boolean {
  return SOURCE_HEADERS.has(normalize(header));
}

/** A long export's figure column (访客数 → uv, 花费 → spend), or null. */
export function sourceField(header: string): ChannelField | null {
  return FIELDS.get(normalize(header)) ?? null;
}

/** Source names by channel, checked in this order (paid before free: 直通车 is no 搜索). */
const SOURCE_RULES: readonly (readonly [TrafficChannel, readonly string[]])[] = [
  ['ztc', ['直通车', 'ztc', '搜索推广']],
  ['display', ['引力魔方', '钻展', '超级钻展', '万相台', '品销宝', 'display']],
  ['affiliate', ['淘宝客', '淘客', 'affiliate']],
  ['offsite', ['站外', '社交', '抖音', '微信', '微博', '小红书', '快手', '短信', 'offsite']],
  [
    'organic',
    [
      '站内免费',
      '淘内免费',
      '手淘',
      '搜索',
      '首页',
      '猜你喜欢',
      '聚划算',
      '店铺',
      '我的淘宝',
      '购物车',
      '免费',
      '自然',
      'organic',
    ],
  ],
  ['other', ['其他', 'other']],
];

/** The channel of a 流量来源 name; `known` false when it matched no rule (it counts as other). */
export function channelOfSource(name: string): { channel: TrafficChannel; known: boolean } {
  const n = normalize(name);
  for (const [channel, words] of SOURCE_RULES)
    if (words.some((w) => n.includes(normalize(w)))) return { channel, known: true };
  const exact = CHANNELS.find((c) => c === n);
  return exact ? { channel: exact, known: true } : { channel: 'other', known: false };
}

const FIELD_ZH: Record<ChannelField, string> = {
  uv: '访客数',
  orders: '支付买家数',
  gmv: '支付金额',
  spend: '花费',
};

/** The export header of a channel's figure: 直通车花费, or ztc.spend in English. */
export function channelHeader(channel: TrafficChannel, field: ChannelField, headers: 'zh' | 'en'): string {
  return headers === 'zh' ? `${CHANNEL_LABELS[channel].zh}${FIELD_ZH[field]}` : `${channel}.${field}`;
}

export { CHANNEL_FIELDS };
