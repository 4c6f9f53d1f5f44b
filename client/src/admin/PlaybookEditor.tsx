/** One card per (metric, direction): the plan's title and, per owner role, its actions. */
import { OWNER_ROLES, type OwnerRole, type PlaybookEntry } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { metricLabel, roleLabel } from '../i18n';
import { errorAt, type FieldErrors } from './launchForm';

interface Props {
  playbook: PlaybookEntry[];
  errors: FieldErrors;
  onChange(playbook: PlaybookEntry[]): void;
}

export function PlaybookEditor({ playbook, errors, onChange }: Props) {
  const t = useT();
  const lang = useLang();
  const update = (i: number, entry: PlaybookEntry) => onChange(playbook.map((e, j) => (j === i ? entry : e)));
  return (
    <div className="playbook" data-testid="playbook-editor">
      {playbook.map((entry, i) => (
        <fieldset key={`${entry.metric}/${entry.direction}`} className="plan-card" data-plan={entry.metric}>
          <legend>
            {metricLabel(lang, entry.metric)}{' '}
            {entry.direction === 'over'
              ? `▲ ${t('dirOver')}`
              : entry.direction === 'under'
                ? `▼ ${t('dirUnder')}`
                : ''}
          </legend>
          <label>
            {t('pbTitle')}
            <input value={entry.title} onChange={(e) => update(i, { ...entry, title: e.target.value })} />
            <FieldError message={errorAt(errors, `playbook.${i}.title`)} />
          </label>
          {entry.owners.map((owner, k) => (
            <div key={k} className="owner-row">
              <select
                value={owner.role}
                onChange={(e) =>
                  update(i, {
                    ...entry,
                    owners: entry.owners.map((o, m) =>
                      m === k ? { ...o, role: e.target.value as OwnerRole } : o,
                    ),
                  })
                }
              >
                {OWNER_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {roleLabel(lang, r)}
                  </option>
                ))}
              </select>
              <textarea
                className="plan-actions"
                data-testid="plan-actions"
                rows={Math.max(2, owner.actions.length + 1)}
                aria-label={t('pbActions')}
                placeholder={t('pbActions')}
                value={owner.actions.join('\n')}
                onChange={(e) =>
                  update(i, {
                    ...entry,
                    owners: entry.owners.map((o, m) =>
                      m === k
                        ? {
                            ...o,
                            actions: e.target.value
                              .split('\n')
                              .map((s) => s.trim())
                              .filter(Boolean),
                          }
                        : o,
                    ),
                  })
                }
              />
              <button
                type="button"
                className="btn btn-small"
                onClick={() => update(i, { ...entry, owners: entry.owners.filter((_, m) => m !== k) })}
              >
                {t('pbRemove')}
              </button>
              <FieldError message={errorAt(errors, `playbook.${i}.owners.${k}`)} />
            </div>
          ))}
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              update(i, { ...entry, owners: [...entry.owners, { role: '运营主管', actions: [] }] })
            }
          >
            + {t('pbAddOwner')}
          </button>
          <FieldError message={errors[`playbook.${i}.owners`]} />
        </fieldset>
      ))}
    </div>
  );
}

export function FieldError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" data-testid="field-error" role="alert">
      {message}
    </span>
  );
}
