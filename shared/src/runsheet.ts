/**
 * The run sheet (作战时间表): timed tasks for a launch day, each owned by a role, due at an offset from
 * 开团 or at a clock time in the launch's zone on the day of 开团. Ticked off by their owner.
 */
import { z } from 'zod';
import { issueError, issueMessage } from './i18n';
import { OwnerRole } from './playbook';
import { MINUTE_MS, parseDateTime, zonedParts } from './time';

/** A task not ticked off this long after it was due is overdue (flagged on the screens). */
export const RUNSHEET_OVERDUE_AFTER_MS = 5 * MINUTE_MS;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, issueError('v.clockTime'));

export const RunSheetTaskInput = z
  .strictObject({
    id: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,40}$/, issueError('v.taskId'))
      .optional(),
    title: z.string().trim().min(1, issueError('v.mustNotBeEmpty')).max(120),
    owner: OwnerRole,
    /** Minutes after 开团 (negative: before). */
    offsetMinutes: z
      .number()
      .int()
      .min(-7 * 24 * 60)
      .max(366 * 24 * 60)
      .optional(),
    /** A clock time (HH:MM) in the launch's zone on the day of 开团. */
    clockTime: ClockTime.optional(),
  })
  .refine(
    (t) => (t.offsetMinutes === undefined) !== (t.clockTime === undefined),
    issueError('v.offsetOrClock'),
  );
export type RunSheetTaskInput = z.infer<typeof RunSheetTaskInput>;

export const RunSheetInput = z
  .array(RunSheetTaskInput)
  .max(100)
  .superRefine((tasks, ctx) => {
    const seen = new Set<string>();
    tasks.forEach((t, i) => {
      if (t.id === undefined) return;
      if (seen.has(t.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: issueMessage('v.taskTwice', { id: t.id }) });
      seen.add(t.id);
    });
  });

/** A stored task: id assigned, exactly one of offsetMinutes / clockTime set. */
export const RunSheetTask = z.object({
  id: z.string(),
  title: z.string(),
  owner: OwnerRole,
  offsetMinutes: z.number().int().nullable(),
  clockTime: z.string().nullable(),
});
export type RunSheetTask = z.infer<typeof RunSheetTask>;

/** A task ticked off: by whom and when (launch clock). */
export const RunSheetTick = z.object({ taskId: z.string(), by: z.string(), at: z.string() });
export type RunSheetTick = z.infer<typeof RunSheetTick>;

/** POST /api/launches/:id/run-sheet/:taskId/done. */
export const RunSheetDoneInput = z.strictObject({
  by: z.string().trim().min(1).max(60).optional(),
});

const task = (id: string, title: string, owner: OwnerRole, at: number | string): RunSheetTask => ({
  id,
  title,
  owner,
  offsetMinutes: typeof at === 'number' ? at : null,
  clockTime: typeof at === 'string' ? at : null,
});

/** The team's launch-day schedule (作战时间表), as its own plans set it. */
export function defaultRunSheet(): RunSheetTask[] {
  return [
    task('pre-check', '开团前点击量/收藏量 vs 预估', '运营主管', -60),
    task('swap-pages', '撤下预热页面、上活动页面', '美工主管', -3),
    task('follow-sales-5', '跟进销量收藏量', '运营主管', 5),
    task('follow-sales-15', '跟进销量收藏量', '运营主管', 15),
    task('decide-plan', '跟进流量、成交率并确定是否启用预备方案', '运营主管', 25),
    task('customer-issues', '跟进客户反映问题', '客服主管', 25),
    task('hour-review', '一小时流量销量分析', '运营主管', 50),
    task('logistics', '跟进物流打单打包', '仓储主管', '15:00'),
    task('reorder', '根据销量补单给生产部', '运营主管', '16:00'),
    task('retro', '活动后评估与总结会', '电商经理', 24 * 60),
  ];
}

/** Resolves a planner's tasks: ids assigned (t1, t2 … where missing). */
export function resolveRunSheet(input: readonly RunSheetTaskInput[]): RunSheetTask[] {
  const used = new Set(input.flatMap((t) => (t.id ? [t.id] : [])));
  let n = 0;
  const nextId = () => {
    let id: string;
    do id = `t${++n}`;
    while (used.has(id));
    used.add(id);
    return id;
  };
  return input.map((t) => ({
    id: t.id ?? nextId(),
    title: t.title,
    owner: t.owner,
    offsetMinutes: t.offsetMinutes ?? null,
    clockTime: t.clockTime ?? null,
  }));
}

/** When a task is due (ms), for a launch starting at `startAtMs` in `zone`. */
export function runSheetDueMs(t: RunSheetTask, startAtMs: number, zone: string): number {
  if (t.offsetMinutes !== null) return startAtMs + t.offsetMinutes * MINUTE_MS;
  const p = zonedParts(startAtMs, zone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return parseDateTime(`${p.year}-${pad(p.month)}-${pad(p.day)}T${t.clockTime ?? '00:00'}:00`, zone);
}

export type RunSheetStatus = 'done' | 'late' | 'due' | 'overdue' | 'upcoming';

/** Where a task stands at launch-clock `nowMs`: done on time, done late, due, overdue, upcoming. */
export function runSheetStatus(dueMs: number, tick: RunSheetTick | undefined, nowMs: number): RunSheetStatus {
  if (tick) return Date.parse(tick.at) > dueMs + RUNSHEET_OVERDUE_AFTER_MS ? 'late' : 'done';
  if (nowMs < dueMs) return 'upcoming';
  return nowMs >= dueMs + RUNSHEET_OVERDUE_AFTER_MS ? 'overdue' : 'due';
}
