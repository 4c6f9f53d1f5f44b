import {
  formatIsoInZone,
  formatLocal,
  isValidTimezone,
  minuteOf,
  parseDateTime,
  zoneOffsetMinutes,
  zonedMinuteOfDay,
  zonedParts,
} from '@warroom/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const utc = (text: string) => Date.parse(text);

describe('parseDateTime: a time with an offset is absolute', () => {
  it.each([
    ['2026-11-11T10:00:00+08:00', '2026-11-11T02:00:00Z'],
    ['2026-11-11T10:00+08:00', '2026-11-11T02:00:00Z'],
    ['2026-11-11T10:00:00+0800', '2026-11-11T02:00:00Z'],
    ['2026-11-11T02:00:00Z', '2026-11-11T02:00:00Z'],
    ['2026-11-11T02:00:00.250Z', '2026-11-11T02:00:00.250Z'],
    ['2026-11-10T21:00:00-05:00', '2026-11-11T02:00:00Z'],
    ['2026-11-11 10:00:00+08:00', '2026-11-11T02:00:00Z'],
    ['  2026-11-11T10:00:00+08:00  ', '2026-11-11T02:00:00Z'],
  ])('%s is %s whatever zone it is read in', (text, expected) => {
    for (const zone of ['Asia/Shanghai', 'UTC', 'America/New_York']) {
      expect(parseDateTime(text, zone)).toBe(utc(expected));
    }
  });
});

describe('parseDateTime: a time without an offset is wall-clock time in the given zone', () => {
  it.each([
    ['2026-11-11T10:00', 'Asia/Shanghai', '2026-11-11T02:00:00Z'],
    ['2026-11-11T10:00:30', 'Asia/Shanghai', '2026-11-11T02:00:30Z'],
    ['2026-11-11 10:00', 'Asia/Shanghai', '2026-11-11T02:00:00Z'],
    ['2026-11-11T10:00:00.5', 'Asia/Shanghai', '2026-11-11T02:00:00.500Z'],
    ['2026-11-11T10:00:00.123456', 'Asia/Shanghai', '2026-11-11T02:00:00.123Z'],
    ['2026-11-11T10:00', 'UTC', '2026-11-11T10:00:00Z'],
    ['2026-11-11T10:00', 'Europe/Berlin', '2026-11-11T09:00:00Z'],
    ['2026-07-11T10:00', 'Europe/Berlin', '2026-07-11T08:00:00Z'],
    ['2026-11-11T10:00', 'America/New_York', '2026-11-11T15:00:00Z'],
    ['2026-07-11T10:00', 'America/New_York', '2026-07-11T14:00:00Z'],
    ['2026-11-11T10:00', 'Asia/Kathmandu', '2026-11-11T04:15:00Z'],
    ['2028-02-29T00:00', 'Asia/Shanghai', '2028-02-28T16:00:00Z'],
    ['2026-12-31T23:59:59', 'Asia/Shanghai', '2026-12-31T15:59:59Z'],
  ])('%s in %s is %s', (text, zone, expected) => {
    expect(parseDateTime(text, zone)).toBe(utc(expected));
  });

  it.each([
    ['2026-03-08T01:59', '2026-03-08T06:59:00Z'], // last minute of EST
    ['2026-03-08T03:00', '2026-03-08T07:00:00Z'], // first minute of EDT
    ['2026-11-01T00:59', '2026-11-01T04:59:00Z'], // still EDT
    ['2026-11-01T02:00', '2026-11-01T07:00:00Z'], // EST again
  ])('across a daylight-saving change (New York): %s is %s', (text, expected) => {
    expect(parseDateTime(text, 'America/New_York')).toBe(utc(expected));
  });

  it('an hour that happens twice (New York, 1 November 01:30) is one of its two instants', () => {
    expect([utc('2026-11-01T05:30:00Z'), utc('2026-11-01T06:30:00Z')]).toContain(
      parseDateTime('2026-11-01T01:30', 'America/New_York'),
    );
  });
});

describe('parseDateTime: anything else is not a date-time', () => {
  it.each([
    '',
    'garbage',
    'tomorrow 10:00',
    '2026-11-11',
    '10:00',
    '2026-02-29T10:00', // 2026 is not a leap year
    '2026-02-30T10:00',
    '2026-04-31T10:00',
    '2026-13-01T10:00',
    '2026-00-10T10:00',
    '2026-11-11T24:00',
    '2026-11-11T10:60',
    '2026-11-11T10:00:60',
    '2026-13-01T00:00Z',
    '11/11/2026 10:00',
    '2026-11-11T10:00:00+08:00 and more',
  ])('%j is NaN', (text) => {
    expect(parseDateTime(text, 'Asia/Shanghai')).toBeNaN();
  });
});

describe('formatIsoInZone', () => {
  it.each([
    ['2026-11-11T02:00:00Z', 'Asia/Shanghai', '2026-11-11T10:00:00+08:00'],
    ['2026-11-11T02:00:00Z', 'UTC', '2026-11-11T02:00:00+00:00'],
    ['2026-11-11T02:00:00Z', 'Asia/Kolkata', '2026-11-11T07:30:00+05:30'],
    ['2026-11-11T02:00:00Z', 'Asia/Kathmandu', '2026-11-11T07:45:00+05:45'],
    ['2026-11-11T02:00:00Z', 'America/St_Johns', '2026-11-10T22:30:00-03:30'],
    ['2026-07-11T02:00:00Z', 'America/St_Johns', '2026-07-10T23:30:00-02:30'],
    ['2026-11-11T02:00:00Z', 'America/New_York', '2026-11-10T21:00:00-05:00'],
    ['2026-07-11T02:00:00Z', 'America/New_York', '2026-07-10T22:00:00-04:00'],
    ['2026-12-31T16:00:00Z', 'Asia/Shanghai', '2027-01-01T00:00:00+08:00'],
    ['2026-03-08T06:59:59Z', 'America/New_York', '2026-03-08T01:59:59-05:00'],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08T03:00:00-04:00'],
  ])('%s in %s reads %s', (instant, zone, expected) => {
    expect(formatIsoInZone(utc(instant), zone)).toBe(expected);
  });

  it('drops milliseconds rather than rounding them into the next second', () => {
    expect(formatIsoInZone(utc('2026-11-11T02:00:00.999Z'), 'Asia/Shanghai')).toBe(
      '2026-11-11T10:00:00+08:00',
    );
  });

  it('what it writes reads back as the same instant, in any zone (whole seconds)', () => {
    const zones = [
      'Asia/Shanghai',
      'UTC',
      'America/New_York',
      'Europe/Berlin',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2000-01-01T00:00:00Z') / 1000, max: utc('2099-12-31T00:00:00Z') / 1000 }),
        fc.constantFrom(...zones),
        fc.constantFrom(...zones),
        (seconds, writtenIn, readIn) => {
          const ms = seconds * 1000;
          expect(parseDateTime(formatIsoInZone(ms, writtenIn), readIn)).toBe(ms);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('its wall-clock part, read back without the offset in the same zone, shows the same wall clock', () => {
    const zones = [
      'Asia/Shanghai',
      'America/New_York',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'America/St_Johns',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2020-01-01T00:00:00Z') / 60_000, max: utc('2030-12-31T00:00:00Z') / 60_000 }),
        fc.constantFrom(...zones),
        (minutes, zone) => {
          const local = formatIsoInZone(minutes * 60_000, zone).slice(0, 19);
          expect(formatIsoInZone(parseDateTime(local, zone), zone).slice(0, 19)).toBe(local);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('zones and minutes', () => {
  it.each([
    ['Asia/Shanghai', '2026-11-11T02:00:00Z', 480],
    ['Asia/Kathmandu', '2026-11-11T02:00:00Z', 345],
    ['America/New_York', '2026-11-11T02:00:00Z', -300],
    ['America/New_York', '2026-07-11T02:00:00Z', -240],
    ['UTC', '2026-07-11T02:00:00Z', 0],
  ])('%s is %s minutes from UTC at %s', (zone, instant, offset) => {
    expect(zoneOffsetMinutes(utc(instant), zone)).toBe(offset);
  });

  it.each([
    ['Asia/Shanghai', true],
    ['Europe/Berlin', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['+08:00 but not a zone', false],
  ])('%j is a valid zone: %s', (zone, valid) => {
    expect(isValidTimezone(zone)).toBe(valid);
  });

  it('minute m is [start + m min, start + (m + 1) min); the second before 开团 is minute −1', () => {
    const start = utc('2026-11-11T02:00:00Z');
    expect(minuteOf(start, start)).toBe(0);
    expect(minuteOf(start, start + 59_999)).toBe(0);
    expect(minuteOf(start, start + 60_000)).toBe(1);
    expect(minuteOf(start, start - 1)).toBe(-1);
    expect(minuteOf(start, start - 60_000)).toBe(-1);
    expect(minuteOf(start, start - 60_001)).toBe(-2);
  });
});

describe('parseDateTime: an impossible date or time is refused, not rolled over', () => {
  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-30T10:00:00+08:00',
    '2026-02-29T10:00:00+0800', // 2026 is not a leap year
    '2026-04-31T10:00Z',
    '2026-13-01T00:00:00+08:00',
    '2026-00-10T00:00Z',
    '2026-11-00T00:00Z',
    '2026-11-11T24:00:00Z',
    '2026-11-11T24:00:01+08:00',
    '2026-11-11T10:60Z',
    '2026-11-11T10:00:60+08:00',
    '2026-11-11T10:00:00+25:00',
    '2026-11-11T10:00:00+24:00',
    '2026-11-11T10:00:00+08:60',
    '2026-11-11T10:00:00-0860',
    '2026-11-11T10:00:00+8:00',
    '2026-11-11T10:00:00+08',
    '2026-11-11T10:00:00.Z',
    '2026-11-11t10:00:00Z',
  ])('%j is NaN in any zone', (text) => {
    for (const zone of ['Asia/Shanghai', 'UTC', 'America/New_York'])
      expect(parseDateTime(text, zone)).toBeNaN();
  });

  it.each([
    '2026-02-30T10:00',
    '2026-02-29 10:00',
    '2026-11-11T24:00:01',
    '2026-11-11T23:60',
    '2026-11-31T10:00:00.5',
  ])('%j without an offset is NaN in any zone', (text) => {
    for (const zone of ['Asia/Shanghai', 'Europe/Berlin', 'Australia/Lord_Howe'])
      expect(parseDateTime(text, zone)).toBeNaN();
  });

  it.each([
    ['2028-02-29T00:00Z', '2028-02-29T00:00:00Z'],
    ['2026-02-28T23:59:59.999+08:00', '2026-02-28T15:59:59.999Z'],
    ['2026-11-11T10:00:00+23:59', '2026-11-10T10:01:00Z'],
    ['2026-11-11T10:00:00-12:00', '2026-11-11T22:00:00Z'],
    ['2026-11-11T10:00:00+14:00', '2026-11-10T20:00:00Z'],
    ['2026-11-11T10:00:00-0330', '2026-11-11T13:30:00Z'],
    ['2026-11-11T02:00:00z', '2026-11-11T02:00:00Z'],
  ])('the edges of what exists are still read: %s is %s', (text, expected) => {
    expect(parseDateTime(text, 'Asia/Shanghai')).toBe(utc(expected));
  });
});

/**
 * 2026's offset changes: New York 02:00 EST → 03:00 EDT on 8 March, 02:00 EDT → 01:00 EST on
 * 1 November; Berlin 02:00 CET → 03:00 CEST on 29 March, 03:00 CEST → 02:00 CET on 25 October;
 * Lord Howe 02:00 (+10:30) → 02:30 (+11:00) on 4 October and 02:00 (+11:00) → 01:30 (+10:30) on
 * 5 April. Shanghai has none.
 */
describe('daylight saving: a local time in a gap moves forward, one that happens twice is the earlier instant', () => {
  it.each([
    ['Asia/Shanghai', '2026-03-08T02:30', '2026-03-07T18:30:00Z'],
    ['Asia/Shanghai', '2026-03-29T02:30', '2026-03-28T18:30:00Z'],
    ['Asia/Shanghai', '2026-10-04T02:15', '2026-10-03T18:15:00Z'],
    ['Asia/Shanghai', '2026-11-01T01:30', '2026-10-31T17:30:00Z'],
    // New York, spring forward: 02:00–02:59 does not exist
    ['America/New_York', '2026-03-08T01:59', '2026-03-08T06:59:00Z'],
    ['America/New_York', '2026-03-08T02:00', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:30:00Z'],
    ['America/New_York', '2026-03-08T02:59', '2026-03-08T07:59:00Z'],
    ['America/New_York', '2026-03-08T03:00', '2026-03-08T07:00:00Z'],
    // New York, fall back: 01:00–01:59 happens twice (EDT, then EST)
    ['America/New_York', '2026-11-01T00:59', '2026-11-01T04:59:00Z'],
    ['America/New_York', '2026-11-01T01:00', '2026-11-01T05:00:00Z'],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00Z'],
    ['America/New_York', '2026-11-01T01:59', '2026-11-01T05:59:00Z'],
    ['America/New_York', '2026-11-01T02:00', '2026-11-01T07:00:00Z'],
    // Berlin, spring forward: 02:00–02:59 does not exist
    ['Europe/Berlin', '2026-03-29T01:59', '2026-03-29T00:59:00Z'],
    ['Europe/Berlin', '2026-03-29T02:00', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', '2026-03-29T02:30', '2026-03-29T01:30:00Z'],
    ['Europe/Berlin', '2026-03-29T03:00', '2026-03-29T01:00:00Z'],
    // Berlin, fall back: 02:00–02:59 happens twice (CEST, then CET)
    ['Europe/Berlin', '2026-10-25T01:59', '2026-10-24T23:59:00Z'],
    ['Europe/Berlin', '2026-10-25T02:00', '2026-10-25T00:00:00Z'],
    ['Europe/Berlin', '2026-10-25T02:30', '2026-10-25T00:30:00Z'],
    ['Europe/Berlin', '2026-10-25T02:59', '2026-10-25T00:59:00Z'],
    ['Europe/Berlin', '2026-10-25T03:00', '2026-10-25T02:00:00Z'],
    // Lord Howe, fall back by half an hour: 01:30–01:59 happens twice (+11:00, then +10:30)
    ['Australia/Lord_Howe', '2026-04-05T01:29', '2026-04-04T14:29:00Z'],
    ['Australia/Lord_Howe', '2026-04-05T01:30', '2026-04-04T14:30:00Z'],
    ['Australia/Lord_Howe', '2026-04-05T01:45', '2026-04-04T14:45:00Z'],
    ['Australia/Lord_Howe', '2026-04-05T02:00', '2026-04-04T15:30:00Z'],
    // Lord Howe, spring forward by half an hour: 02:00–02:29 does not exist
    ['Australia/Lord_Howe', '2026-10-04T01:59', '2026-10-03T15:29:00Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:00', '2026-10-03T15:30:00Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:45:00Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:29', '2026-10-03T15:59:00Z'],
    ['Australia/Lord_Howe', '2026-10-04T02:30', '2026-10-03T15:30:00Z'],
  ])('%s %s is %s', (zone, local, expected) => {
    expect(parseDateTime(local, zone)).toBe(utc(expected));
    expect(parseDateTime(local.replace('T', ' ') + ':00.000', zone)).toBe(utc(expected));
  });

  it.each([
    ['Asia/Shanghai', '2026-03-08T06:59:59Z', '2026-03-08T14:59:59+08:00', 480],
    ['Asia/Shanghai', '2026-03-08T07:00:00Z', '2026-03-08T15:00:00+08:00', 480],
    ['America/New_York', '2026-03-08T06:59:59Z', '2026-03-08T01:59:59-05:00', -300],
    ['America/New_York', '2026-03-08T07:00:00Z', '2026-03-08T03:00:00-04:00', -240],
    ['America/New_York', '2026-11-01T05:59:59Z', '2026-11-01T01:59:59-04:00', -240],
    ['America/New_York', '2026-11-01T06:00:00Z', '2026-11-01T01:00:00-05:00', -300],
    ['Europe/Berlin', '2026-03-29T00:59:59Z', '2026-03-29T01:59:59+01:00', 60],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29T03:00:00+02:00', 120],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', '2026-10-25T02:59:59+02:00', 120],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', '2026-10-25T02:00:00+01:00', 60],
    ['Australia/Lord_Howe', '2026-04-04T14:59:59Z', '2026-04-05T01:59:59+11:00', 660],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z', '2026-04-05T01:30:00+10:30', 630],
    ['Australia/Lord_Howe', '2026-10-03T15:29:59Z', '2026-10-04T01:59:59+10:30', 630],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z', '2026-10-04T02:30:00+11:00', 660],
  ])('%s: the instant %s reads %s (%s minutes from UTC)', (zone, instant, text, offset) => {
    expect(formatIsoInZone(utc(instant), zone)).toBe(text);
    expect(zoneOffsetMinutes(utc(instant), zone)).toBe(offset);
    expect(parseDateTime(text, zone)).toBe(utc(instant));
  });
});

describe('every minute of 2026, both ways, in four zones', () => {
  const M = 60_000;
  const YEAR_FROM = Date.UTC(2026, 0, 1);
  const YEAR_TO = Date.UTC(2027, 0, 1);
  /**
   * Wall-clock minutes are counted as if they were UTC, so they step evenly through the year; their
   * texts (a day either side, for the instants whose local day is in the next or previous year) are
   * written once for all the tests.
   */
  const TEXT_FROM = YEAR_FROM - 1440 * M;
  const texts = Array.from({ length: (YEAR_TO - YEAR_FROM) / M + 2 * 1440 }, (_, i) =>
    new Date(TEXT_FROM + i * M).toISOString().slice(0, 16),
  );
  const localText = (wallMs: number) => texts[(wallMs - TEXT_FROM) / M]!;
  const wallClockOf = (atMs: number, zone: string) => {
    const p = zonedParts(atMs, zone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
  };
  const pad = (n: number) => String(n).padStart(2, '0');
  const offsetText = (minutes: number) =>
    `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  /** `minutes` consecutive minute texts from `first`. */
  const run = (first: string, minutes: number) =>
    Array.from({ length: minutes }, (_, i) => localText(utc(`${first}Z`) + i * M));

  // Where each zone's spring-forward gap is (local) and which UTC minutes repeat a local minute.
  const zones = [
    { zone: 'Asia/Shanghai', gap: [], repeated: [] },
    { zone: 'America/New_York', gap: run('2026-03-08T02:00', 60), repeated: run('2026-11-01T06:00', 60) },
    { zone: 'Europe/Berlin', gap: run('2026-03-29T02:00', 60), repeated: run('2026-10-25T01:00', 60) },
    { zone: 'Australia/Lord_Howe', gap: run('2026-10-04T02:00', 30), repeated: run('2026-04-04T15:00', 30) },
  ];

  it.each(zones)(
    '$zone: local → instant → local is the same minute, except in a gap, which moves forward by it',
    ({ zone, gap }) => {
      const moved: string[] = [];
      const wrong: string[] = [];
      for (let wall = YEAR_FROM; wall < YEAR_TO; wall += M) {
        const back = wallClockOf(parseDateTime(localText(wall), zone), zone);
        if (back === wall) continue;
        if (back - wall === gap.length * M) moved.push(localText(wall));
        else wrong.push(`${localText(wall)} → ${localText(back)}`);
      }
      expect(wrong).toEqual([]);
      expect(moved).toEqual(gap);
    },
  );

  it.each(zones)(
    '$zone: instant → local → instant is the identity; without the offset, a repeated local minute is its earlier instant',
    ({ zone, repeated }) => {
      const later: string[] = [];
      const wrong: string[] = [];
      for (let at = YEAR_FROM; at < YEAR_TO; at += M) {
        const local = localText(wallClockOf(at, zone));
        if (parseDateTime(local + offsetText(zoneOffsetMinutes(at, zone)), zone) !== at)
          wrong.push(`${localText(at)}Z with its offset`);
        const back = parseDateTime(local, zone);
        if (back === at) continue;
        if (at - back === repeated.length * M) later.push(localText(at));
        else wrong.push(`${localText(at)}Z → ${local} → ${localText(back)}Z`);
      }
      expect(wrong).toEqual([]);
      expect(later).toEqual(repeated);
    },
  );
});

describe('formatIsoInZone with milliseconds', () => {
  it.each([
    ['2026-11-11T02:14:59.600Z', 'Asia/Shanghai', '2026-11-11T10:14:59.600+08:00'],
    ['2026-11-11T02:14:59.001Z', 'Asia/Shanghai', '2026-11-11T10:14:59.001+08:00'],
    ['2026-11-11T02:14:59.000Z', 'Asia/Shanghai', '2026-11-11T10:14:59+08:00'],
    ['2026-03-08T06:59:59.999Z', 'America/New_York', '2026-03-08T01:59:59.999-05:00'],
  ])('keeps them when asked and there are any: %s in %s reads %s', (instant, zone, expected) => {
    expect(formatIsoInZone(utc(instant), zone, { millis: true })).toBe(expected);
    expect(parseDateTime(expected, zone)).toBe(utc(instant));
  });

  it('a fractional launch-clock instant keeps its whole milliseconds', () => {
    expect(formatIsoInZone(utc('2026-11-11T02:00:00.250Z') + 0.75, 'UTC', { millis: true })).toBe(
      '2026-11-11T02:00:00.250+00:00',
    );
  });

  it('the same instant asked in turn in other zones and precisions reads right each time', () => {
    const ms = utc('2026-11-11T02:14:59.600Z');
    for (let round = 0; round < 2; round++) {
      expect(formatIsoInZone(ms, 'Asia/Shanghai', { millis: true })).toBe('2026-11-11T10:14:59.600+08:00');
      expect(formatIsoInZone(ms, 'Asia/Shanghai')).toBe('2026-11-11T10:14:59+08:00');
      expect(formatIsoInZone(ms, 'Europe/Berlin', { millis: true })).toBe('2026-11-11T03:14:59.600+01:00');
      expect(formatIsoInZone(ms + 1000, 'Europe/Berlin', { millis: true })).toBe(
        '2026-11-11T03:15:00.600+01:00',
      );
    }
  });
});

describe('formatLocal: a local time in a zone for a language', () => {
  it.each([
    ['2026-11-11T02:05:09Z', 'Asia/Shanghai', 'zh', {}, '10:05'],
    ['2026-11-11T02:05:09Z', 'Asia/Shanghai', 'en', { seconds: true }, '10:05:09'],
    ['2026-11-10T16:00:05Z', 'Asia/Shanghai', 'zh', { seconds: true }, '00:00:05'], // midnight is 00, not 24
    ['2026-11-10T16:00:05Z', 'Asia/Shanghai', 'en', {}, '00:00'],
    ['2026-11-25T06:32:05Z', 'Asia/Shanghai', 'zh', { date: true, seconds: true }, '11/25 14:32:05'],
    ['2026-11-25T06:32:05Z', 'Asia/Shanghai', 'en', { date: true, seconds: true }, '25/11, 14:32:05'],
    ['2026-03-08T07:00:00Z', 'America/New_York', 'zh', {}, '03:00'],
    ['2026-10-03T15:30:00Z', 'Australia/Lord_Howe', 'en', {}, '02:30'],
  ] as const)('%s in %s (%s, %j) reads %s', (instant, zone, lang, parts, expected) => {
    expect(formatLocal(utc(instant), zone, lang, parts)).toBe(expected);
  });

  /** Zones with a daylight-saving change (Lord Howe's of 30 minutes) and one 45 minutes off the hour. */
  const ZONES = [
    'Asia/Shanghai',
    'America/New_York',
    'Europe/Berlin',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
  ];

  it('counts the minutes of the local day as zonedParts reads them, in every zone, at any instant', () => {
    fc.assert(
      fc.property(
        // Milliseconds, before 1970 too (a negative wall clock must still count from its midnight).
        fc.integer({ min: utc('1960-01-01T00:00:00Z'), max: utc('2030-12-31T00:00:00Z') }),
        fc.constantFrom(...ZONES),
        (ms, zone) => {
          const p = zonedParts(ms, zone);
          expect(zonedMinuteOfDay(ms, zone)).toBe(p.hour * 60 + p.minute);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('shows the wall clock zonedParts gives, in every zone, at any minute', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: utc('2020-01-01T00:00:00Z') / 1000, max: utc('2030-12-31T00:00:00Z') / 1000 }),
        fc.constantFrom(...ZONES),
        (seconds, zone) => {
          const p = zonedParts(seconds * 1000, zone);
          const pad = (n: number) => String(n).padStart(2, '0');
          expect(formatLocal(seconds * 1000, zone, 'zh', { seconds: true })).toBe(
            `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
