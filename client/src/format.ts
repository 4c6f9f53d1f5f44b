/** Numbers, money, percentages and times for the screen, per language and in the launch's zone. */
import { formatLocal } from '@warroom/shared';
import { translate, type Lang } from './i18n';

const LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };
const intCache = new Map<string, Intl.NumberFormat>();

function numberFormat(lang: Lang, digits: number): Intl.NumberFormat {
  const key = `${lang}/${digits}`;
  let f = intCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALES[lang], {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    intCache.set(key, f);
  }
  return f;
}

export function formatCount(lang: Lang, n: number, digits = 0): string {
  return numberFormat(lang, digits).format(n);
}

/** ¥ with 万/亿 above 10,000 in Chinese; K/M in English. */
export function formatMoney(lang: Lang, yuan: number): string {
  const abs = Math.abs(yuan);
  if (lang === 'zh') {
    if (abs >= 1e8) return `¥${formatCount(lang, yuan / 1e8, 2)}亿`;
    if (abs >= 1e4) return `¥${formatCount(lang, yuan / 1e4, 1)}万`;
    return `¥${formatCount(lang, yuan, abs < 1000 ? 1 : 0)}`;
  }
  if (abs >= 1e6) return `¥${formatCount(lang, yuan / 1e6, 2)}M`;
  if (abs >= 1e4) return `¥${formatCount(lang, yuan / 1e3, 1)}K`;
  return `¥${formatCount(lang, yuan, abs < 1000 ? 1 : 0)}`;
}

/** A ratio as a percentage with one decimal: 0.0318 → "3.2%". */
export function formatPercent(lang: Lang, ratio: number, digits = 1): string {
  return `${formatCount(lang, ratio * 100, digits)}%`;
}

/** A signed deviation without its sign (direction is said in words): −0.21 → "21.0%". */
export function formatDeviation(lang: Lang, deviation: number): string {
  return formatPercent(lang, Math.abs(deviation));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** HH:mm:ss (or HH:mm) of an instant in the launch's zone; the 24-hour clock reads the same in both languages. */
export function formatClock(atMs: number, zone: string, seconds = true): string {
  return formatLocal(atMs, zone, 'zh', { seconds });
}

/** A duration as hh:mm:ss (or mm:ss under an hour when `short`). */
export function formatDuration(ms: number, short = false): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (short && h === 0) return `${pad(m)}:${pad(s)}`;
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** "8 秒" / "3 分钟" / "2 小时" — an age in words. */
export function formatAge(lang: Lang, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (lang === 'zh') {
    if (s < 60) return `${s} 秒`;
    if (s < 3600) return `${Math.floor(s / 60)} 分钟`;
    return `${Math.floor(s / 3600)} 小时`;
  }
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h`;
}

/** Friendly zone name for the header clock. */
export function zoneName(lang: Lang, zone: string): string {
  if (zone === 'Asia/Shanghai') return lang === 'zh' ? '北京' : 'Beijing';
  return zone.split('/').pop()?.replace(/_/g, ' ') ?? zone;
}

/** Axis labels: 1.2万 / 12K without decimals noise. */
export function formatCompact(lang: Lang, n: number): string {
  const abs = Math.abs(n);
  if (lang === 'zh') {
    if (abs >= 1e8) return `${formatCount(lang, n / 1e8, 1)}亿`;
    if (abs >= 1e4) return `${formatCount(lang, n / 1e4, abs >= 1e5 ? 0 : 1)}万`;
    return formatCount(lang, n);
  }
  if (abs >= 1e6) return `${formatCount(lang, n / 1e6, 1)}M`;
  if (abs >= 1e3) return `${formatCount(lang, n / 1e3, abs >= 1e4 ? 0 : 1)}K`;
  return formatCount(lang, n);
}

/** A span people lived, in words: "2分15秒" / "2 min 15 s", "45秒", "1小时5分". */
export function formatSpan(lang: Lang, ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return translate(lang, 'durationHourMin', { h, m });
  if (m > 0) return translate(lang, 'durationMinSec', { m, s });
  return translate(lang, 'durationSec', { s });
}

/** A deviation with its arrow, compact: "▼33.0%", "▲4.0%", and "±0%" when it rounds to nothing. */
export function formatSigned(lang: Lang, deviation: number): string {
  if (Math.abs(deviation) < 0.0005) return '±0%';
  return `${deviation > 0 ? '▲' : '▼'}${formatDeviation(lang, deviation)}`;
}
