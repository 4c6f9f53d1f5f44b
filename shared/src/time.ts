/**
 * Time helpers shared by server and client. Minutes are integer offsets from a launch's startAt:
 * minute m is [startAt + m min, startAt + (m + 1) min).
 */
export const MINUTE_MS = 60_000;
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export function minuteOf(startAtMs: number, atMs: number): number {
  return Math.floor((atMs - startAtMs) / MINUTE_MS);
}

export function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
export function zonedParts(atMs: number, zone: string) {
  const parts: Record<string, number> = {};
  for (const p of partsFormatter(zone).formatToParts(new Date(atMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Offset of a zone from UTC at an instant, in minutes (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(atMs: number, zone: string): number {
  const p = zonedParts(atMs, zone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(atMs / 1000) * 1000) / MINUTE_MS);
}

const ISO_WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/**
 * Parses an ISO date-time. With an offset (Z, +08:00) it is absolute; without one it is read as
 * wall-clock time in `zone`. Returns NaN when the text is not a date-time.
 */
export function parseDateTime(text: string, zone: string): number {
  const s = text.trim();
  if (ISO_WITH_OFFSET.test(s)) {
    if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(s)) return NaN;
    return Date.parse(s.replace(' ', 'T'));
  }
  const m = ISO_LOCAL.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h, mi, se, ms] = m;
  const fields = [y, mo, d, h, mi, se ?? '0', (ms ?? '0').padEnd(3, '0')].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [Y, Mo, D, H, Mi, S, MS] = fields;
  if (Mo < 1 || Mo > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 59) return NaN;
  const asUtc = Date.UTC(Y, Mo - 1, D, H, Mi, S, MS);
  if (new Date(asUtc).getUTCDate() !== D) return NaN;
  // Two passes settle the offset across a DST change.
  let guess = asUtc - zoneOffsetMinutes(asUtc, zone) * MINUTE_MS;
  guess = asUtc - zoneOffsetMinutes(guess, zone) * MINUTE_MS;
  return guess;
}

/** ISO text with the zone's offset, e.g. 2026-11-11T10:00:00+08:00. */
export function formatIsoInZone(atMs: number, zone: string): string {
  const off = zoneOffsetMinutes(atMs, zone);
  const p = zonedParts(atMs, zone);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return (
    `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
