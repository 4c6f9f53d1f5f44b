/**
 * The fold handles every fact type, checked by the compiler: `evolve` ends its switch with
 * `unhandledFact(fact)`, which takes `never`, so a fact type left out fails the typecheck (this file
 * is typechecked by `npm run typecheck`; an `@ts-expect-error` that no longer errors fails it too).
 */
import { describe, expect, it } from 'vitest';
import { type LaunchEventBody, unhandledFact } from '@warroom/shared';

/** A fold that forgot `runsheet.task.done`: the compiler refuses it. */
function forgetful(fact: LaunchEventBody): string {
  switch (fact.type) {
    case 'launch.created':
    case 'reading.ingested':
    case 'checkpoint.evaluated':
    case 'alert.raised':
    case 'alert.updated':
    case 'alert.acknowledged':
    case 'alert.escalated':
    case 'clock.advanced':
    case 'simulation.started':
    case 'simulation.stopped':
    case 'runsheet.updated':
    case 'launch.updated':
      return fact.type;
    default:
      // @ts-expect-error — 'runsheet.task.done' is not handled, so `fact` is not `never` here.
      return unhandledFact(fact);
  }
}

describe('a fact type left unhandled', () => {
  it('fails the typecheck (above) and, should it ever run, throws naming the fact', () => {
    expect(forgetful({ type: 'clock.advanced', now: '2026-11-11T10:00:00+08:00' })).toBe('clock.advanced');
    expect(() =>
      forgetful({ type: 'runsheet.task.done', taskId: 't1', by: '王芳', at: '2026-11-11T10:00:00+08:00' }),
    ).toThrow(/runsheet\.task\.done/);
  });
});
