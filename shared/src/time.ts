/**
 * The one module for time, shared by server and client: instants (epoch ms) to wall time in a zone
 * and back, the strict ISO-8601 text the API takes and writes, and local times for people to read.
 * Zone rules come from Temporal (temporal-polyfill, imported as a ponyfill so nothing global is
 * patched; it uses the native Temporal where there is one).
 *
 * Minutes are integer offsets from a launch's startAt: minute m is [startAt + m min, startAt + (m + 1) min).
 */
import { Temporal } from 'temporal-polyfill';

export const MINUTE_MS = 60_000;
/** One day of 24 hours, in milliseconds. */
export const DAY_MS = 86_400_000;
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

export function minuteOf(startAtMs: number, atMs: number): number {
  return Math.floor((atMs - startAtMs) / MINUTE_MS);
}

/** An IANA name's shape. Temporal also takes "+08:00" or a whole ISO string as a zone; we do not. */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** Whether `zone` is an IANA time zone such as Asia/Shanghai or UTC. */
export function isValidTimezone(zone: string): boolean {
  if (!ZONE_NAME.test(zone)) return false;
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** A stretch of time over which a zone's offset from UTC stays the same: [from, until). */
interface OffsetSpan {
  from: number;
  until: number;
  offsetMs: number;
}

const SPANS_PER_ZONE = 8;
const spanCache = new Map<string, OffsetSpan[]>();

/**
 * The zone's offset at an instant, with the stretch it holds for. Asking Temporal costs
 * microseconds, and a year-long template forecast asks for every one of its 525,600 minutes while
 * the offset changes at most a few times a year; so each zone keeps its last few stretches.
 */
function offsetSpan(atMs: number, zone: string): OffsetSpan {
  const spans = spanCache.get(zone);
  if (spans) for (const s of spans) if (atMs >= s.from && atMs < s.until) return s;
  const here = Temporal.Instant.fromEpochMilliseconds(atMs).toZonedDateTimeISO(zone);
  const next = here.getTimeZoneTransition('next');
  const prev = here.getTimeZoneTransition('previous');
  // "previous" is strictly before `atMs`: when `atMs` is a transition itself, its stretch starts there.
  const from =
    prev === null
      ? -Infinity
      : prev.offsetNanoseconds === here.offsetNanoseconds
        ? prev.epochMilliseconds
        : atMs;
  const span = {
    from,
    until: next === null ? Infinity : next.epochMilliseconds,
    offsetMs: here.offsetNanoseconds / 1e6,
  };
  if (spans) {
    if (spans.length >= SPANS_PER_ZONE) spans.shift();
    spans.push(span);
  } else {
    spanCache.set(zone, [span]);
  }
  return span;
}

/** Wall-clock fields of an instant in a zone (seconds truncated). */
export function zonedParts(atMs: number, zone: string) {
  const ms = Math.floor(atMs);
  // The wall clock is the instant moved by the zone's offset, read as UTC.
  const wall = new Date(ms + offsetSpan(ms, zone).offsetMs);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/** Minutes since local midnight of an instant's wall clock in a zone (seconds truncated): hour × 60 + minute of `zonedParts`, without building them. */
export function zonedMinuteOfDay(atMs: number, zone: string): number {
  const ms = Math.floor(atMs);
  const wall = ms + offsetSpan(ms, zone).offsetMs;
  return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** Offset of a zone from UTC at an instant, in minutes (Asia/Shanghai → 480). */
export function zoneOffsetMinutes(atMs: number, zone: string): number {
  return Math.round(offsetSpan(Math.floor(atMs), zone).offsetMs / MINUTE_MS);
}

/**
 * The date-times the API takes: YYYY-MM-DDTHH:mm[:ss[.fff…]] (a space may stand for the T) with an
 * optional Z, ±HH:MM or ±HHMM. Digits beyond milliseconds are dropped.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

const monthLengths = new Map<number, number>();

/** Days in a month of the ISO calendar, as Temporal counts them (cached: parsing is a hot path). */
function daysInMonth(year: number, month: number): number {
  const key = year * 100 + month;
  let days = monthLengths.get(key);
  if (days === undefined) {
    days = Temporal.PlainYearMonth.from({ year, month }).daysInMonth;
    if (monthLengths.size >= 10_000) monthLengths.clear();
    monthLengths.set(key, days);
  }
  return days;
}

/** Wall-clock fields read as if they were UTC. */
function wallClockMs(year: number, month: number, day: number, h: number, m: number, s: number, ms: number) {
  const wall = Date.UTC(year, month - 1, day, h, m, s, ms);
  if (year >= 100) return wall;
  // Date.UTC reads years 0–99 as 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.setUTCHours(h, m, s, ms);
}

/** UTC offsets of two instants of one wall-clock time differ by less than this (offsets are < ±24 h). */
const OFFSET_REACH_MS = 48 * 3_600_000;

/**
 * The instant a wall-clock time in `zone` stands for. Far from any change of the zone's offset the
 * cached offset answers, as no other instant can have the same wall clock; near one, Temporal
 * decides: a time in a spring-forward gap moves forward by the gap, a time that happens twice at a
 * fall-back change is the earlier instant (`disambiguation: 'compatible'`).
 */
function instantOfWallClock(wall: number, zone: string): number {
  const span = offsetSpan(wall - offsetSpan(wall, zone).offsetMs, zone);
  const at = wall - span.offsetMs;
  if (at - span.from >= OFFSET_REACH_MS && span.until - at >= OFFSET_REACH_MS) return at;
  const d = new Date(wall);
  return new Temporal.PlainDateTime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  ).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/**
 * Parses an ISO date-time strictly: 30 February, 24:00, minute 60 or an offset of +25:00 are not
 * date-times (NaN), not rolled over. With an offset (Z, +08:00) it is absolute; without one it is
 * wall-clock time in `zone`: a time skipped by a spring-forward change is moved forward by the gap,
 * a time that happens twice at a fall-back change is the earlier instant.
 */
export function parseDateTime(text: string, zone: string): number {
  const f = DATE_TIME.exec(text.trim());
  if (!f) return NaN;
  const [year, month, day] = [Number(f[1]), Number(f[2]), Number(f[3])];
  const [hour, minute, second] = [Number(f[4]), Number(f[5]), Number(f[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const millis = f[7] === undefined ? 0 : Number(f[7].padEnd(3, '0'));
  const wall = wallClockMs(year, month, day, hour, minute, second, millis);
  if (f[8]) return wall; // Z
  if (f[9]) {
    // Offsets as ISO-8601 and Temporal have them: hours 00–23, minutes 00–59.
    const [offsetHour, offsetMinute] = [Number(f[10]), Number(f[11])];
    if (offsetHour > 23 || offsetMinute > 59) return NaN;
    return wall - (f[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute) * MINUTE_MS;
  }
  return instantOfWallClock(wall, zone);
}

/**
 * ISO text of an instant with the zone's offset, e.g. 2026-11-11T10:00:00+08:00. Milliseconds are
 * dropped (never rounded up into the next second) unless `millis` asks to keep them when there
 * are any: 2026-11-11T10:14:59.600+08:00.
 */
export function formatIsoInZone(atMs: number, zone: string, options: { millis?: boolean } = {}): string {
  const ms = Math.floor(atMs);
  const digits = options.millis && ms % 1000 !== 0 ? 3 : 0;
  // One decision writes the same instant many times (every metric of a checkpoint, every fact of
  // an ingest): the text of the latest one is kept, since Temporal's formatting is not cheap.
  if (ms === lastIso.ms && zone === lastIso.zone && digits === lastIso.digits) return lastIso.text;
  const text = Temporal.Instant.fromEpochMilliseconds(ms)
    .toZonedDateTimeISO(zone)
    .toString({ timeZoneName: 'never', fractionalSecondDigits: digits });
  lastIso = { ms, zone, digits, text };
  return text;
}

let lastIso = { ms: Number.NaN, zone: '', digits: 0, text: '' };

export type LocalLang = 'zh' | 'en';

/** What a local time shows: hours and minutes always (24-hour), seconds and month/day when asked. */
export interface LocalParts {
  seconds?: boolean;
  date?: boolean;
}

const LOCALES: Record<LocalLang, string> = { zh: 'zh-CN', en: 'en-GB' };
const localFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A local time in a zone as people of a language write it: 14:32, 14:32:05, and with the date
 * 11/25 14:32:05 (zh) or 25/11, 14:32:05 (en). Intl lays the text out for the language; it reads
 * the same zone data as Temporal (the polyfill takes its offsets from Intl), so it shows the wall
 * clock zonedParts gives.
 */
export function formatLocal(atMs: number, zone: string, lang: LocalLang, parts: LocalParts = {}): string {
  const key = `${lang} ${zone} ${parts.date ? 'd' : ''}${parts.seconds ? 's' : ''}`;
  let f = localFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(LOCALES[lang], {
      timeZone: zone,
      // h23, not hour12: false, which some locales and engines write as 24:05 after midnight.
      hourCycle: 'h23',
      ...(parts.date ? { month: '2-digit', day: '2-digit' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      ...(parts.seconds ? { second: '2-digit' } : {}),
    } as const);
    localFormats.set(key, f);
  }
  return f.format(Math.floor(atMs));
}
