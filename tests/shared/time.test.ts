import {
  formatIsoInZone,
  isValidTimezone,
  minuteOf,
  parseDateTime,
  zoneOffsetMinutes,
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
