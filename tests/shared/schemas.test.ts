import {
  LaunchInput,
  MAX_DURATION_MINUTES,
  MAX_READINGS_PER_REQUEST,
  ReadingBatch,
  ReadingInput,
} from '@warroom/shared';
import { describe, expect, it } from 'vitest';

/** The problems a schema reports, as "path: message" lines. */
function problems(schema: { safeParse(x: unknown): { success: boolean; error?: unknown } }, input: unknown) {
  const r = schema.safeParse(input);
  if (r.success) return [];
  const issues = (r.error as { issues: { path: PropertyKey[]; message: string }[] }).issues;
  return issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
}

const minimal = {
  name: '双11 开团',
  startAt: '2026-11-11T10:00:00+08:00',
  forecast: [{ minute: 0, uv: 100 }],
};
const launchProblems = (patch: Record<string, unknown>) => problems(LaunchInput, { ...minimal, ...patch });

describe('LaunchInput: what a planner may send', () => {
  it('a name, a start and a forecast are enough', () => {
    expect(launchProblems({})).toEqual([]);
  });

  it('accepts every optional field at once', () => {
    const full = {
      ...minimal,
      durationMinutes: 240,
      timezone: 'Asia/Shanghai',
      checkpoints: [15, 30, 240],
      tolerance: 0.15,
      metrics: ['uv', 'orders'],
      graceSeconds: 0,
      escalateAfterSeconds: 600,
      stock: 5000,
      price: 99.9,
      targets: { uv: 60_000, units: 3000, gmv: 299_700 },
      playbook: [
        {
          metric: 'uv',
          direction: 'under',
          title: '本场预案',
          owners: [{ role: '推广主管', actions: ['加投'] }],
        },
        {
          metric: 'data-gap',
          direction: null,
          title: '断网',
          owners: [{ role: '运营主管', actions: ['切换 4G'] }],
        },
      ],
    };
    expect(problems(LaunchInput, full)).toEqual([]);
  });

  it('trims the name and refuses an empty one', () => {
    expect(LaunchInput.parse({ ...minimal, name: '  开团  ' }).name).toBe('开团');
    expect(launchProblems({ name: '   ' })).toEqual(['name: must not be empty']);
  });

  it.each(['2026-11-11T10:00', '2026-11-11 10:00:00', '2026-11-11T02:00:00Z'])(
    'startAt %s is a date-time',
    (s) => {
      expect(launchProblems({ startAt: s })).toEqual([]);
    },
  );

  it.each(['tomorrow', '2026-02-30T10:00', '2026-11-11', ''])(
    'startAt %j is refused with an example',
    (s) => {
      expect(launchProblems({ startAt: s }).join()).toMatch(/startAt: /);
      if (s !== '') {
        expect(launchProblems({ startAt: s })).toEqual([
          'startAt: must be an ISO date-time such as 2026-11-11T10:00:00+08:00',
        ]);
      }
    },
  );

  it('refuses an unknown time zone, naming what it wants', () => {
    expect(launchProblems({ timezone: 'Mars/Base' })).toEqual([
      'timezone: must be an IANA time zone such as Asia/Shanghai',
    ]);
  });

  it.each([
    [{ durationMinutes: 0 }, 'durationMinutes'],
    [{ durationMinutes: 30.5 }, 'durationMinutes'],
    [{ durationMinutes: MAX_DURATION_MINUTES + 1 }, 'durationMinutes'],
    [{ tolerance: 0 }, 'tolerance'],
    [{ tolerance: -0.2 }, 'tolerance'],
    [{ tolerance: 11 }, 'tolerance'],
    [{ graceSeconds: -1 }, 'graceSeconds'],
    [{ graceSeconds: 3601 }, 'graceSeconds'],
    [{ escalateAfterSeconds: 0 }, 'escalateAfterSeconds'],
    [{ stock: -1 }, 'stock'],
    [{ stock: 1.5 }, 'stock'],
    [{ price: -5 }, 'price'],
    [{ metrics: ['uv', 'sales'] }, 'metrics.1'],
    [{ metrics: [] }, 'metrics'],
    [{ checkpoints: [] }, 'checkpoints'],
    [{ checkpoints: [0] }, 'checkpoints.0'],
    [{ checkpoints: [15.5] }, 'checkpoints.0'],
  ])('refuses %j (at %s)', (patch, path) => {
    expect(launchProblems(patch).map((p) => p.slice(0, p.indexOf(': ')))).toContain(path);
  });

  it('refuses fields it does not know', () => {
    expect(launchProblems({ owner: 'me' })).toEqual([': Unrecognized key: "owner"']);
  });

  it('a checkpoint may fall on the last minute of the launch but not after it, and not twice', () => {
    expect(launchProblems({ durationMinutes: 60, checkpoints: [15, 60] })).toEqual([]);
    expect(launchProblems({ durationMinutes: 60, checkpoints: [15, 61, 15] })).toEqual([
      'checkpoints.1: checkpoint 61 is after the launch ends (durationMinutes 60)',
      'checkpoints.2: checkpoint 15 is listed twice',
    ]);
  });

  it('without durationMinutes, checkpoints are checked against the default three hours', () => {
    expect(launchProblems({ checkpoints: [180] })).toEqual([]);
    expect(launchProblems({ checkpoints: [181] })).toEqual([
      'checkpoints.0: checkpoint 181 is after the launch ends (durationMinutes 180)',
    ]);
  });

  it('a metric may be compared only once', () => {
    expect(launchProblems({ metrics: ['uv', 'gmv', 'uv'] })).toEqual(['metrics: a metric is listed twice']);
  });
});

describe('LaunchInput: the forecast', () => {
  it('fractional forecast values are fine', () => {
    expect(launchProblems({ forecast: [{ minute: 0, uv: 33.3333, gmv: 0.01 }] })).toEqual([]);
  });

  it('refuses a forecast minute after the launch ends, and a minute given twice', () => {
    expect(
      launchProblems({
        durationMinutes: 10,
        forecast: [
          { minute: 0, uv: 1 },
          { minute: 10, uv: 1 },
          { minute: 0, uv: 2 },
        ],
      }),
    ).toEqual([
      'forecast.1.minute: minute 10 is after the launch ends (durationMinutes 10)',
      'forecast.2.minute: minute 0 is listed twice',
    ]);
  });

  it.each([
    [{ minute: 0, uv: -1 }],
    [{ minute: 0, uv: Number.NaN }],
    [{ minute: 0, gmv: Number.POSITIVE_INFINITY }],
    [{ minute: 0, gmv: 1e13 }],
    // before the longest preheat (a day): minutes before 开团 are the preheat's plan
    [{ minute: -24 * 60 - 1, uv: 1 }],
    [{ minute: 0.5, uv: 1 }],
    [{ minute: 0, sales: 1 }],
    [{ uv: 1 }],
  ])('refuses the forecast point %j', (point) => {
    expect(launchProblems({ forecast: [point] })).not.toEqual([]);
  });

  it('takes minutes before 开团 as the preheat’s plan (预热)', () => {
    expect(
      launchProblems({
        forecast: [
          { minute: -1, uv: 1 },
          { minute: 0, uv: 5 },
        ],
      }),
    ).toEqual([]);
    expect(launchProblems({ preheatMinutes: 30, forecast: [{ minute: -31, uv: 1 }] })).not.toEqual([]);
  });

  it('refuses an empty forecast', () => {
    expect(launchProblems({ forecast: [] })).not.toEqual([]);
  });

  it('a template takes positive whole-launch targets for uv, units and gmv', () => {
    expect(launchProblems({ forecast: { template: { uv: 60_000, units: 3000, gmv: 299_700 } } })).toEqual([]);
    expect(launchProblems({ forecast: { template: { uv: 0, units: 3000, gmv: 1 } } })).toHaveLength(1);
    expect(launchProblems({ forecast: { template: { uv: 1, units: 1 } } })).toHaveLength(1);
    expect(launchProblems({ forecast: { template: { uv: 1, units: 1, gmv: 1, pv: 1 } } })).toHaveLength(1);
  });
});

describe('LaunchInput: the playbook', () => {
  const plan = (metric: string, direction: string | null, role = '运营主管', actions = ['核对库存']) => ({
    metric,
    direction,
    title: '预案',
    owners: [{ role, actions }],
  });

  it('one plan per metric and direction', () => {
    expect(
      launchProblems({ playbook: [plan('uv', 'under'), plan('uv', 'over'), plan('uv', 'under')] }),
    ).toEqual(['playbook.2: two plans for uv/under']);
  });

  it('a data-gap plan has no direction and a metric plan has one', () => {
    const message = 'a data-gap plan has direction null; a metric plan has direction "over" or "under"';
    expect(launchProblems({ playbook: [plan('data-gap', 'over')] })).toEqual([
      `playbook.0.direction: ${message}`,
    ]);
    expect(launchProblems({ playbook: [plan('gmv', null)] })).toEqual([`playbook.0.direction: ${message}`]);
  });

  it('owners are the team’s roles and each has at least one action', () => {
    expect(launchProblems({ playbook: [plan('uv', 'under', '实习生')] })).toHaveLength(1);
    expect(launchProblems({ playbook: [plan('uv', 'under', '运营主管', [])] })).toHaveLength(1);
    expect(launchProblems({ playbook: [plan('uv', 'under', '运营主管', ['  '])] })).toHaveLength(1);
  });
});

describe('ReadingInput: what a pusher may send for one minute', () => {
  it.each([
    [{ minute: 0, uv: 120, pv: 400, fav: 3, cart: 8, orders: 5, units: 6, gmv: 594.5 }],
    [{ minute: -1440 }],
    [{ minute: MAX_DURATION_MINUTES - 1, uv: 0 }],
    [{ at: '2026-11-11T10:05:30+08:00', uv: 1 }],
    [{ at: '2026-11-11 10:05', units: 2 }],
  ])('accepts %j', (input) => {
    expect(problems(ReadingInput, input)).toEqual([]);
  });

  it('gives either a minute or a time, not both and not neither', () => {
    const message = 'give either "minute" or "at" (a time inside the minute), not both and not neither';
    expect(problems(ReadingInput, { minute: 1, at: '2026-11-11T10:01', uv: 1 })).toEqual([`: ${message}`]);
    expect(problems(ReadingInput, { uv: 1 })).toEqual([`: ${message}`]);
  });

  it('counts are whole numbers; money may carry fen', () => {
    expect(problems(ReadingInput, { minute: 0, uv: 1.5 })).toEqual(['uv: must be a whole number']);
    expect(problems(ReadingInput, { minute: 0, units: 2.5 })).toEqual(['units: must be a whole number']);
    expect(problems(ReadingInput, { minute: 0, gmv: 12.34 })).toEqual([]);
  });

  it.each([
    [{ minute: 0, uv: -1 }, 'uv: must not be negative'],
    [{ minute: 0, gmv: -0.01 }, 'gmv: must not be negative'],
    [{ minute: 0, uv: '5' }, 'uv: must be a number'],
    [{ minute: 0, gmv: 1e13 }, 'gmv: must be at most 1000000000000'],
    [{ at: 'noon', uv: 1 }, 'at: must be an ISO date-time such as 2026-11-11T10:00:00+08:00'],
    [{ minute: 0, sales: 1 }, ': Unrecognized key: "sales"'],
  ])('refuses %j: %s', (input, message) => {
    expect(problems(ReadingInput, input)).toEqual([message]);
  });

  it.each([[{ minute: -1441 }], [{ minute: MAX_DURATION_MINUTES }], [{ minute: 1.5 }]])(
    'refuses the minute of %j',
    (input) => {
      expect(problems(ReadingInput, input)).toHaveLength(1);
    },
  );
});

describe('ReadingBatch: one reading or a list of them', () => {
  it('one reading or a list are both accepted as a batch; items are checked one by one later', () => {
    expect(problems(ReadingBatch, { minute: 0, uv: 1 })).toEqual([]);
    expect(problems(ReadingBatch, [{ minute: 0 }, { anything: true }])).toEqual([]);
  });

  it('an empty list is refused with a plain message; so is a list too long', () => {
    expect(problems(ReadingBatch, [])).toContain(': send at least one reading');
    expect(
      problems(
        ReadingBatch,
        Array.from({ length: MAX_READINGS_PER_REQUEST + 1 }, () => ({})),
      ),
    ).not.toEqual([]);
    expect(
      problems(
        ReadingBatch,
        Array.from({ length: MAX_READINGS_PER_REQUEST }, () => ({})),
      ),
    ).toEqual([]);
  });
});
