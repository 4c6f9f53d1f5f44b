import { useState } from 'react';
import { OWNER_ROLES, type OwnerRole } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { useStore } from '../store';

/** Who is on shift: asked once, kept in localStorage until they sign out (accounts come later). */
export function IdentityForm() {
  const t = useT();
  const lang = useLang();
  const setIdentity = useStore((s) => s.setIdentity);
  const [name, setName] = useState('');
  const [role, setRole] = useState<OwnerRole>('运营主管');
  return (
    <form
      className="identity-form"
      data-testid="identity-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim()) setIdentity({ name: name.trim(), role });
      }}
    >
      <p>{t('whoAreYou')}</p>
      <label>
        {t('yourName')}
        <input
          data-testid="identity-name"
          value={name}
          maxLength={60}
          autoFocus
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        {t('yourRole')}
        <select
          data-testid="identity-role"
          value={role}
          onChange={(e) => setRole(e.target.value as OwnerRole)}
        >
          {OWNER_ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(lang, r)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn-primary" data-testid="identity-submit" disabled={!name.trim()}>
        {t('signIn')}
      </button>
    </form>
  );
}
