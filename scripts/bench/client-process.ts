/** The coordinator's side of a forked bench client process (the alert-clients IPC protocol). */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromChild, ToChild } from './alert-clients';
import { ROOT, onCleanup, stopChild } from './lib';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** A forked tsx child speaking the alert-clients IPC protocol. */
export class Child {
  private waiters: { match: (m: FromChild) => boolean; resolve: (m: FromChild) => void }[] = [];
  readonly frames: string[] = [];

  constructor(readonly proc: ChildProcess) {
    proc.on('message', (m: FromChild) => {
      if (m.type === 'frame') this.frames.push(m.frame);
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(m);
    });
  }

  static fork(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
    const proc = fork(here(file), args, {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new Child(proc);
    onCleanup(() => stopChild(proc, 2000));
    return child;
  }

  next<T extends FromChild['type']>(
    type: T,
    timeoutMs: number,
    match: (m: Extract<FromChild, { type: T }>) => boolean = () => true,
  ): Promise<Extract<FromChild, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${type}" from a client process`)), timeoutMs);
      const onExit = () => reject(new Error(`a client process exited while waiting for "${type}"`));
      this.proc.once('exit', onExit);
      this.waiters.push({
        match: (m) =>
          m.type === 'error'
            ? (reject(new Error(m.message)), true)
            : m.type === type && match(m as Extract<FromChild, { type: T }>),
        resolve: (m) => {
          clearTimeout(timer);
          this.proc.off('exit', onExit);
          resolve(m as Extract<FromChild, { type: T }>);
        },
      });
    });
  }

  send(m: ToChild): void {
    this.proc.send(m);
  }

  async stop(): Promise<void> {
    if (this.proc.connected) this.send({ type: 'stop' });
    await stopChild(this.proc, 2000);
  }
}

/**
 * Asks every child for the arrival times of `key` (waiting up to `timeoutMs` for all its clients)
 * and returns them as milliseconds after `t0`, all together and per child, with how many clients
 * saw nothing.
 */
export async function collectArrivals(
  children: Child[],
  key: number,
  t0: number,
  timeoutMs: number,
): Promise<{ deltas: number[]; perChild: number[][]; missing: number }> {
  const replies = await Promise.all(
    children.map((c) => {
      const p = c.next('arrivals', timeoutMs + 5000, (m) => m.key === key);
      c.send({ type: 'collect', key, timeoutMs });
      return p;
    }),
  );
  const perChild = replies.map((r) => r.times.map((t) => t - t0));
  return {
    deltas: perChild.flat(),
    perChild,
    missing: replies.reduce((s, r) => s + r.missing, 0),
  };
}
