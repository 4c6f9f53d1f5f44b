/** Who is logged in (name · access · owner role) and the logout button, for the page headers. */
import type { Role } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import type { MessageKey } from '../i18n';
import { roleLabel } from '../i18n';
import { isOwnerRole } from './roles';
import { logout, useSession } from './session';

export const ROLE_WORD: Record<Role, MessageKey> = {
  admin: 'roleAdmin',
  supervisor: 'roleSupervisor',
  viewer: 'roleViewer',
};

export function UserBadge() {
  const t = useT();
  const lang = useLang();
  const user = useSession((s) => s.user);
  if (!user) return null;
  return (
    <span className="user-badge" data-testid="user-badge" data-role={user.role}>
      <span className="user-name">{user.displayName}</span>
      <span className={`role-chip role-${user.role}`}>{t(ROLE_WORD[user.role])}</span>
      {isOwnerRole(user.ownerRole) && <span className="muted">{roleLabel(lang, user.ownerRole)}</span>}
      <button type="button" className="btn btn-small" data-testid="logout" onClick={() => void logout()}>
        {t('logout')}
      </button>
    </span>
  );
}
