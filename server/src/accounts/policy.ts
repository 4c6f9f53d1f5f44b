/**
 * Who may do what. Every /api route declares one access level in its config; sockets check the same
 * levels per event. Truth table:
 *
 * | access     | no credentials | viewer | supervisor | admin | screen token | ingest token |
 * |------------|----------------|--------|------------|-------|--------------|--------------|
 * | public     | ✓              | ✓      | ✓          | ✓     | ✓            | ✓            |
 * | read       | 401            | ✓      | ✓          | ✓     | ✓            | 403          |
 * | user       | 401            | ✓      | ✓          | ✓     | 403          | 403          |
 * | supervisor | 401            | 403    | ✓          | ✓     | 403          | 403          |
 * | ingest     | 401            | 403    | 403        | ✓     | 403          | ✓            |
 * | admin      | 401            | 403    | 403        | ✓     | 403          | 403          |
 */
import type { Principal } from '@warroom/shared';

export type Access = 'public' | 'read' | 'user' | 'supervisor' | 'ingest' | 'admin';

export function allowed(p: Principal | null, access: Access): boolean {
  if (access === 'public') return true;
  if (!p) return false;
  if (p.kind === 'token') {
    if (access === 'read') return p.scope === 'screen';
    if (access === 'ingest') return p.scope === 'ingest';
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
      return p.role === 'admin';
  }
}

/** The name an acknowledgement or audit entry records for a principal. */
export function actorName(p: Principal | null): string {
  if (!p) return 'anonymous';
  return p.kind === 'user' ? p.username : `token:${p.name}`;
}
