import { OWNER_ROLES, type OwnerRole } from '@warroom/shared';

/** A user's `ownerRole` is free text on the wire; the console highlights only the known ones. */
export function isOwnerRole(v: string | null | undefined): v is OwnerRole {
  return (OWNER_ROLES as readonly string[]).includes(v ?? '');
}
