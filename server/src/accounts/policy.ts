/**
 * Who may do what. Every /api route declares one access level in its config; sockets check the same
 * levels per event. Truth table:
 *
 * | access     | no credentials | viewer | supervisor | admin | screen token | ingest token | metrics token |
 * |------------|----------------|--------|------------|-------|--------------|--------------|---------------|
 * | public     | ✓              | ✓      | ✓          | ✓     | ✓            | ✓            | ✓             |
 * | read       | 401            | ✓      | ✓          | ✓     | ✓            | 403          | 403           |
 * | user       | 401            | ✓      | ✓          | ✓     | 403          | 403          | 403           |
 * | supervisor | 401            | 403    | ✓          | ✓     | 403          | 403          | 403           |
 * | ingest     | 401            | 403    | 403        | ✓     | 403          | ✓            | 403           |
 * | admin      | 401            | 403    | 403        | ✓     | 403          | 403          | 403           |
 * | metrics    | 401            | 403    | 403        | ✓     | 403          | 403          | ✓             |
 *
 * A metrics token is what a Prometheus server scrapes `/metrics` with: it reads nothing else.
 */
import type { Principal } from '@warroom/shared';

export type Access = 'public' | 'read' | 'user' | 'supervisor' | 'ingest' | 'admin' | 'metrics';

export function allowed(p: Principal | null, access: Access): boolean {
  if (access === 'public') return true;
  if (!p) return false;
  if (p.kind === 'token') {
    if (access === 'read') return p.scope === 'screen';
    if (access === 'ingest') return p.scope === 'ingest';
    if (access === 'metrics') return p.scope === 'metrics';
    return false;
  }
  switch (access) {
    case 'read':
    case 'user':
      return true;
    case 'supervisor':
      return p.role === 'supervisor' || p.role === 'admin';
    case 'ingest':
    case 'admin':
    case 'metrics':
      return p.role === 'admin';
  }
}

/**
 * Replays and drills belong to who started them: the trainer who started one and admins control
 * and delete it (pause, resume, step, seek, speed, end); everyone else with read access watches.
 */
export function mayControlReplay(p: Principal | null, startedBy: string | null): boolean {
  if (p?.kind !== 'user') return false;
  return p.role === 'admin' || (startedBy !== null && p.username === startedBy);
}

/**
 * Who may acknowledge a replayed alert: whoever controls the replay, and in a drill the trainee it
 * names (by username or display name) — a trainee acknowledges only in a drill that names them.
 */
export function mayAcknowledgeInReplay(
  p: Principal | null,
  replay: { startedBy: string | null; drill: { trainee: string } | null },
): boolean {
  if (mayControlReplay(p, replay.startedBy)) return true;
  if (p?.kind !== 'user' || !replay.drill) return false;
  const t = replay.drill.trainee;
  return p.username === t || p.displayName === t;
}

/** The name an acknowledgement or audit entry records for a principal. */
export function actorName(p: Principal | null): string {
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.username : `token:${p.name}`;
}

/** The signed-in person's display name, or null for no principal or a token. */
export function personName(p: Principal | null | undefined): string | null {
  return p?.kind === 'user' ? p.displayName || p.username : null;
}

/** The actor a principal's commands are recorded for (audit name and person). */
export function actorOf(p: Principal | null): { audit: string; person: string | null } {
  return { audit: actorName(p), person: personName(p) };
}
