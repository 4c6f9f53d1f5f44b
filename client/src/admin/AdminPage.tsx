/** Launch setup: the form (validated with shared's LaunchInput), the live forecast preview, simulations. */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  METRICS,
  SCENARIOS,
  Targets,
  defaultPlaybook,
  type LaunchSummary,
  type ComparedMetric,
  isSituation,
  type Scenario,
} from '@warroom/shared';
import { api, ApiError } from '../api';
import { useLang, useT } from '../hooks';
import { metricLabel, SCENARIO_LABELS, type MessageKey } from '../i18n';
import { Link, navigate } from '../router';
import { Nav } from '../home/HomePage';
import { ForecastPreview } from './ForecastPreview';
import { ForecastSource } from './ForecastSource';
import { FieldError, PlaybookEditor } from './PlaybookEditor';
import {
  curveOf,
  errorAt,
  formFromLaunch,
  initialForm,
  serverErrors,
  validate,
  type FieldErrors,
  type LaunchForm,
} from './launchForm';
import { AccountsPanel } from './AccountsPanel';
import { AuditPanel } from './AuditPanel';
import { ChannelsPanel } from './ChannelsPanel';
import { GroupsPanel } from './GroupsPanel';
import { ImportPanel } from './ImportPanel';
import { RunSheetEditor } from './RunSheetEditor';
import { formatLaunchStart } from './when';
import { zoneName } from '../format';
import { IconPlay } from '../icons';
import './admin.css';

function Field(props: { label: string; error: string | undefined; children: ReactNode; wide?: boolean }) {
  return (
    <label className={`field${props.wide ? ' wide' : ''}${props.error ? ' invalid' : ''}`}>
      <span>{props.label}</span>
      {props.children}
      <FieldError message={props.error} />
    </label>
  );
}

/**
 * 开团: typed as ISO text (2026-03-12T10:00 or with a space), read in the launch's zone, and shown
 * back below in words in the UI's language, so no browser locale reorders day and month.
 */
function StartAtField(props: {
  value: string;
  zone: string;
  error: string | undefined;
  disabled: boolean;
  onChange(value: string): void;
}) {
  const t = useT();
  const lang = useLang();
  const when = formatLaunchStart(lang, props.value, props.zone);
  return (
    <Field label={t('fStartAt')} error={props.error}>
      <input
        data-testid="field-startAt"
        inputMode="numeric"
        placeholder={t('startAtFormat')}
        spellCheck={false}
        disabled={props.disabled}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {when && (
        <small className="start-at-reads" data-testid="start-at-reads">
          {t('startAtReads', { when, zone: zoneName(lang, props.zone) })}
        </small>
      )}
    </Field>
  );
}

type Tab = 'launch' | 'groups' | 'runsheet' | 'import' | 'accounts' | 'channels' | 'audit';
const TABS: { tab: Tab; label: MessageKey }[] = [
  { tab: 'launch', label: 'tabLaunch' },
  { tab: 'groups', label: 'tabGroups' },
  { tab: 'runsheet', label: 'tabRunSheet' },
  { tab: 'import', label: 'tabImport' },
  { tab: 'accounts', label: 'tabAccounts' },
  { tab: 'channels', label: 'tabChannels' },
  { tab: 'audit', label: 'tabAudit' },
];
const tabOf = (hash: string): Tab => TABS.find((x) => `#${x.tab}` === hash)?.tab ?? 'launch';

/** Admin: launch setup, imports and exports, users and tokens, the audit trail; one tab each (#hash). */
export default function AdminPage() {
  const t = useT();
  const [tab, setTab] = useState<Tab>(() => tabOf(window.location.hash));
  const open = (next: Tab) => {
    setTab(next);
    window.history.replaceState(window.history.state, '', next === 'launch' ? '/admin' : `/admin#${next}`);
  };
  return (
    <div className="page admin" data-testid="admin">
      <Nav />
      <div className="admin-tabs" role="tablist">
        {TABS.map((x) => (
          <button
            key={x.tab}
            type="button"
            role="tab"
            aria-selected={tab === x.tab}
            className={tab === x.tab ? 'active' : ''}
            data-testid={`tab-${x.tab}`}
            onClick={() => open(x.tab)}
          >
            {t(x.label)}
          </button>
        ))}
      </div>
      {tab === 'launch' && <LaunchSetup />}
      {tab === 'groups' && (
        <main className="admin-pane">
          <GroupsPanel />
        </main>
      )}
      {tab === 'runsheet' && (
        <main className="admin-pane">
          <RunSheetEditor />
        </main>
      )}
      {tab === 'import' && (
        <main className="admin-pane">
          <ImportPanel />
        </main>
      )}
      {tab === 'accounts' && (
        <main className="admin-pane">
          <AccountsPanel />
        </main>
      )}
      {tab === 'channels' && (
        <main className="admin-pane">
          <ChannelsPanel />
        </main>
      )}
      {tab === 'audit' && (
        <main className="admin-pane">
          <AuditPanel />
        </main>
      )}
    </div>
  );
}

function LaunchSetup() {
  const t = useT();
  const lang = useLang();
  const [form, setForm] = useState<LaunchForm>(() => initialForm(Date.now()));
  const [submitted, setSubmitted] = useState(false);
  const [serverIssues, setServerIssues] = useState<FieldErrors>({});
  const [message, setMessage] = useState<ReactNode>(null);
  const [scenario, setScenario] = useState<Scenario>('traffic-shortfall');
  const [speed, setSpeed] = useState('30');
  const [useForm, setUseForm] = useState(false);
  /** The launch being edited (null: a new one) and whether it has readings (开团 then stays put). */
  const [editing, setEditing] = useState<{ id: string; locked: boolean } | null>(null);
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  useEffect(() => {
    api.launches().then(setLaunches, () => undefined);
  }, []);
  const { input, errors: clientErrors } = useMemo(() => validate(form, lang), [form, lang]);
  const errors = submitted ? { ...serverIssues, ...clientErrors } : {};
  const set = <K extends keyof LaunchForm>(key: K, value: LaunchForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setServerIssues({});
  };
  const text = (key: keyof LaunchForm, label: MessageKey, path: string, type = 'text', disabled = false) => (
    <Field label={t(label)} error={errorAt(errors, path)}>
      <input
        type={type}
        disabled={disabled}
        data-testid={`field-${key}`}
        value={form[key] as string}
        onChange={(e) => set(key, e.target.value as never)}
      />
    </Field>
  );

  const pick = async (id: string) => {
    setSubmitted(false);
    setServerIssues({});
    setMessage(null);
    if (!id) {
      setEditing(null);
      setForm(initialForm(Date.now()));
      return;
    }
    try {
      const s = await api.launchWithForecast(id);
      setEditing({ id, locked: s.readings.length > 0 });
      setForm(formFromLaunch(s.launch));
    } catch (e) {
      setMessage(<span className="level-critical">{t('error', { msg: (e as Error).message })}</span>);
    }
  };

  const save = async () => {
    if (!editing) return create();
    setSubmitted(true);
    if (!input) {
      setMessage(<span className="level-warning">{t('fixErrors')}</span>);
      return;
    }
    try {
      const launch = await api.updateLaunch(editing.id, input);
      setForm(formFromLaunch(launch));
      setLaunches((l) => l.map((x) => (x.id === launch.id ? { ...x, name: launch.name } : x)));
      setMessage(
        <span className="level-ok" data-testid="saved">
          {t('editSaved', { name: launch.name })} ·{' '}
          <Link href={`/screen/${encodeURIComponent(launch.id)}`}>{t('openScreen')}</Link>
        </span>,
      );
    } catch (e) {
      if (e instanceof ApiError) setServerIssues(serverErrors(e.details));
      setMessage(<span className="level-critical">{t('error', { msg: (e as Error).message })}</span>);
    }
  };

  const create = async () => {
    setSubmitted(true);
    if (!input) {
      setMessage(<span className="level-warning">{t('fixErrors')}</span>);
      return;
    }
    try {
      const launch = await api.createLaunch(input);
      // The list as the server has it now (the new launch with its clock and feed).
      void api.launches().then(setLaunches, () => undefined);
      setMessage(
        <span className="level-ok" data-testid="created">
          {t('created', { name: launch.name })} ·{' '}
          <Link href={`/screen/${encodeURIComponent(launch.id)}`}>{t('openScreen')}</Link>
        </span>,
      );
    } catch (e) {
      if (e instanceof ApiError) setServerIssues(serverErrors(e.details));
      setMessage(<span className="level-critical">{t('error', { msg: (e as Error).message })}</span>);
    }
  };

  const startSimulation = async () => {
    try {
      const overrides = useForm && input ? { launch: { ...input } as Record<string, unknown> } : {};
      const r = await api.startSimulation({ scenario, speed: Number(speed), ...overrides });
      navigate(`/screen/${encodeURIComponent(r.launchId)}`);
    } catch (e) {
      setMessage(<span className="level-critical">{t('error', { msg: (e as Error).message })}</span>);
    }
  };

  const toggleMetric = (m: ComparedMetric) => {
    const metrics = form.metrics.includes(m) ? form.metrics.filter((x) => x !== m) : [...form.metrics, m];
    const keep = form.playbook.filter(
      (e) => isSituation(e.metric) || metrics.includes(e.metric as ComparedMetric),
    );
    const added = defaultPlaybook(metrics.filter((x) => !form.metrics.includes(x))).filter(
      (e) => !isSituation(e.metric),
    );
    setForm((f) => ({ ...f, metrics, playbook: [...keep, ...added] }));
  };

  // The targets alone draw the preview: no need to wait for a name or the rest of the form.
  const targets = useMemo(() => {
    const r = Targets.safeParse({ uv: Number(form.uv), units: Number(form.units), gmv: Number(form.gmv) });
    return r.success ? r.data : null;
  }, [form.uv, form.units, form.gmv]);
  return (
    <main className="admin-body">
      <form
        className="admin-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="admin-form-head">
          <h1>{editing ? t('editTitle') : t('adminTitle')}</h1>
          <label className="edit-pick">
            <span>{t('editPick')}</span>
            <select
              data-testid="edit-pick"
              value={editing?.id ?? ''}
              onChange={(e) => void pick(e.target.value)}
            >
              <option value="">{t('editNew')}</option>
              {launches.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} · {l.startAt.slice(0, 16).replace('T', ' ')}
                </option>
              ))}
            </select>
          </label>
        </div>
        {editing?.locked && <p className="edit-note">{t('editLocked')}</p>}
        <div className="grid">
          <Field label={t('fName')} error={errorAt(errors, 'name')} wide>
            <input data-testid="field-name" value={form.name} onChange={(e) => set('name', e.target.value)} />
          </Field>
          <StartAtField
            value={form.startAt}
            zone={form.timezone}
            error={errorAt(errors, 'startAt')}
            disabled={!!editing?.locked}
            onChange={(v) => set('startAt', v)}
          />
          {text('timezone', 'fTimezone', 'timezone', 'text', !!editing?.locked)}
          {text('duration', 'fDuration', 'durationMinutes', 'number')}
          {text('uv', 'fTargetUv', 'targets.uv', 'number')}
          {text('units', 'fTargetUnits', 'targets.units', 'number')}
          {text('gmv', 'fTargetGmv', 'targets.gmv', 'number')}
          {text('stock', 'fStock', 'stock', 'number')}
          {text('price', 'fPrice', 'price', 'number')}
          {text('tolerancePct', 'fTolerance', 'tolerance', 'number')}
          {text('checkpoints', 'fCheckpoints', 'checkpoints')}
          {text('escalateAfter', 'fEscalate', 'escalateAfterSeconds', 'number')}
          {text('grace', 'fGrace', 'graceSeconds', 'number')}
          <Field label={t('fMetrics')} error={errorAt(errors, 'metrics')} wide>
            <span className="metric-boxes">
              {METRICS.map((m) => (
                <label key={m}>
                  <input
                    type="checkbox"
                    checked={form.metrics.includes(m)}
                    onChange={() => toggleMetric(m)}
                  />
                  {metricLabel(lang, m)}
                </label>
              ))}
            </span>
          </Field>
        </div>
        <h2>{t('playbook')}</h2>
        <PlaybookEditor playbook={form.playbook} errors={errors} onChange={(p) => set('playbook', p)} />
        <div className="actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid={editing ? 'save-launch' : 'create-launch'}
          >
            {editing ? t('editSave') : t('create')}
          </button>
          <span data-testid="admin-message">{message}</span>
        </div>
      </form>
      <aside className="admin-side">
        {editing && curveOf(form) && form.keptCurveFor != null && (
          <p className="edit-note" data-testid="kept-curve">
            {t('editKeptCurve')}
          </p>
        )}
        <ForecastSource
          key={editing?.id ?? 'new'}
          startAt={form.startAt}
          timezone={form.timezone}
          durationMinutes={input?.durationMinutes ?? (Number(form.duration) || null)}
          targets={targets}
          onCurve={(points) => setForm((f) => ({ ...f, forecastPoints: points, keptCurveFor: null }))}
        />
        <ForecastPreview
          startAt={form.startAt}
          timezone={form.timezone}
          durationMinutes={input?.durationMinutes ?? (Number(form.duration) || null)}
          targets={targets}
          checkpoints={(input?.checkpoints ?? []).map((c) => (typeof c === 'number' ? c : c.at))}
          curve={curveOf(form)}
        />
        <section className="sim">
          <h2>{t('simTitle')}</h2>
          <label>
            {t('scenario')}
            <select
              value={scenario}
              data-testid="sim-scenario"
              onChange={(e) => setScenario(e.target.value as Scenario)}
            >
              {SCENARIOS.map((s) => (
                <option key={s} value={s}>
                  {SCENARIO_LABELS[s]?.[lang] ?? s}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('speed')}
            <input type="number" min={1} max={600} value={speed} onChange={(e) => setSpeed(e.target.value)} />
          </label>
          <label>
            <input
              type="checkbox"
              checked={useForm}
              disabled={!input}
              onChange={(e) => setUseForm(e.target.checked)}
            />
            {t('useForm')}
          </label>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="start-sim"
            onClick={() => void startSimulation()}
          >
            <IconPlay filled /> {t('startSim')}
          </button>
        </section>
      </aside>
    </main>
  );
}
