/**
 * Launch groups (活动 / 场次组), kept as an append-only log like the accounts (DATA_DIR/groups, or
 * the Redis stream `<prefix>groups:groups`): the groups are its fold. A launch belongs to at most
 * one group; decisions are serialised and, on a shared log, taken again after another instance
 * appended first.
 */
import { type Group, type GroupInput, type LaunchState, MAX_GROUPS } from '@warroom/shared';
import { type LaunchRegistry, newId } from '../launches/registry';
import { OffsetConflictError } from '../store/event-store';

export type GroupEvent =
  | { offset: number; type: 'group.created'; group: Group }
  | { offset: number; type: 'group.updated'; group: Group }
  | { offset: number; type: 'group.deleted'; id: string; at: string; by: string };

type Body = GroupEvent extends infer E ? (E extends { offset: number } ? Omit<E, 'offset'> : never) : never;

export interface GroupLog {
  read(stream: string): Promise<{ events: GroupEvent[] }>;
  append(stream: string, events: readonly GroupEvent[]): Promise<void>;
  readAfter?(stream: string, after: number): Promise<GroupEvent[]>;
}

const STREAM = 'groups';
const MAX_RETRIES = 8;

/** Why a group cannot be saved as asked (each becomes a 4xx with this text's key). */
export class GroupRefusal extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly key: 'group.launchTaken' | 'group.unknownLaunch' | 'group.tooMany' | 'group.notFound',
    readonly params: Record<string, string | number>,
  ) {
    super(key);
  }
}

export class Groups {
  private groups = new Map<string, Group>();
  /** Which group each launch belongs to. */
  private owner = new Map<string, string>();
  private offset = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private listeners: ((g: Group | null, id: string) => void)[] = [];

  constructor(
    private readonly log: GroupLog,
    /** Whether a launch exists (and its name, for messages). */
    private readonly launchName: (id: string) => string | null,
  ) {}

  async load(): Promise<void> {
    for (const e of (await this.log.read(STREAM)).events) this.apply(e);
  }

  /** Called with every group created, changed (the new group) or deleted (null). */
  onChange(fn: (g: Group | null, id: string) => void): void {
    this.listeners.push(fn);
  }

  /** Folds what other instances appended (a shared log). */
  catchUp(): Promise<void> {
    return this.serial(async () => {
      if (!this.log.readAfter) return;
      for (const e of await this.log.readAfter(STREAM, this.offset)) this.apply(e);
    });
  }

  list(): Group[] {
    return [...this.groups.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  get(id: string): Group | undefined {
    return this.groups.get(id);
  }

  groupOf(launchId: string): Group | undefined {
    const id = this.owner.get(launchId);
    return id ? this.groups.get(id) : undefined;
  }

  create(input: GroupInput, by: string): Promise<Group> {
    return this.decide(() => {
      if (this.groups.size >= MAX_GROUPS) throw new GroupRefusal(409, 'group.tooMany', { n: MAX_GROUPS });
      const at = new Date().toISOString();
      const group: Group = {
        id: newId(),
        name: input.name,
        launchIds: input.launchIds,
        target: input.target ?? null,
        createdAt: at,
        updatedAt: at,
        createdBy: by,
      };
      this.check(group);
      return { body: { type: 'group.created', group }, result: group };
    });
  }

  update(id: string, input: GroupInput): Promise<Group> {
    return this.decide(() => {
      const current = this.groups.get(id);
      if (!current) throw new GroupRefusal(404, 'group.notFound', { id });
      const group: Group = {
        ...current,
        name: input.name,
        launchIds: input.launchIds,
        target: input.target ?? null,
        updatedAt: new Date().toISOString(),
      };
      this.check(group);
      return { body: { type: 'group.updated', group }, result: group };
    });
  }

  remove(id: string, by: string): Promise<Group> {
    return this.decide(() => {
      const current = this.groups.get(id);
      if (!current) throw new GroupRefusal(404, 'group.notFound', { id });
      return { body: { type: 'group.deleted', id, at: new Date().toISOString(), by }, result: current };
    });
  }

  /** Every launch exists and belongs to no other group. */
  private check(group: Group): void {
    for (const launchId of group.launchIds) {
      if (this.launchName(launchId) === null)
        throw new GroupRefusal(400, 'group.unknownLaunch', { launch: launchId });
      const other = this.groupOf(launchId);
      if (other && other.id !== group.id)
        throw new GroupRefusal(409, 'group.launchTaken', {
          launch: this.launchName(launchId) ?? launchId,
          group: other.name,
        });
    }
  }

  /** Decides against the fold, appends at the next offset (again after a conflict), then folds. */
  private decide<T>(decide: () => { body: Body; result: T }): Promise<T> {
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const { body, result } = decide();
        const event = { ...body, offset: this.offset + 1 } as GroupEvent;
        try {
          await this.log.append(STREAM, [event]);
        } catch (e) {
          if (!(e instanceof OffsetConflictError) || attempt >= MAX_RETRIES || !this.log.readAfter) throw e;
          for (const missed of await this.log.readAfter(STREAM, this.offset)) this.apply(missed);
          continue;
        }
        this.apply(event);
        return result;
      }
    });
  }

  private apply(e: GroupEvent): void {
    this.offset = e.offset;
    if (e.type === 'group.deleted') {
      const g = this.groups.get(e.id);
      if (g) for (const l of g.launchIds) if (this.owner.get(l) === g.id) this.owner.delete(l);
      this.groups.delete(e.id);
      for (const fn of this.listeners) fn(null, e.id);
      return;
    }
    const previous = this.groups.get(e.group.id);
    if (previous) for (const l of previous.launchIds) this.owner.delete(l);
    this.groups.set(e.group.id, e.group);
    for (const l of e.group.launchIds) this.owner.set(l, e.group.id);
    for (const fn of this.listeners) fn(e.group, e.group.id);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The group's launches that exist here, each with its clock's now (what its views are computed at). */
export function groupMembers(
  registry: Pick<LaunchRegistry, 'get'>,
  group: Pick<Group, 'launchIds'>,
): { state: LaunchState; nowMs: number }[] {
  return group.launchIds.flatMap((id) => {
    const rt = registry.get(id);
    return rt ? [{ state: rt.state, nowMs: rt.clock.now() }] : [];
  });
}
