/**
 * Notification channels (admin): DingTalk / WeCom / Feishu robots and signed webhooks, with their
 * routes, a 测试 button that shows the platform's reply, and each channel's delivery log.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  CHANNEL_KINDS,
  OWNER_ROLES,
  type Channel,
  type ChannelInput,
  type ChannelKind,
  type ChannelTestResult,
  type DeliveryLogEntry,
  type LaunchSummary,
  type OwnerRole,
} from '@warroom/shared';
import { api, request } from '../api';
import { useLang, useT } from '../hooks';
import { roleLabel } from '../i18n';
import { IconRefresh } from '../icons';
import { formatDateTime } from './when';
import { KIND_WORD } from './channelKinds';

export const channelsApi = {
  list: () => request<Channel[]>('GET', '/api/channels'),
  create: (input: ChannelInput) => request<Channel>('POST', '/api/channels', input),
  update: (id: string, input: ChannelInput) =>
    request<Channel>('PUT', `/api/channels/${encodeURIComponent(id)}`, input),
  remove: (id: string) => request<null>('DELETE', `/api/channels/${encodeURIComponent(id)}`),
  test: (id: string) =>
    request<ChannelTestResult>('POST', `/api/channels/${encodeURIComponent(id)}/test`, {}),
  deliveries: (id: string) =>
    request<DeliveryLogEntry[]>('GET', `/api/channels/${encodeURIComponent(id)}/deliveries?limit=50`),
};

interface Form {
  name: string;
  kind: ChannelKind;
  url: string;
  secret: string;
  roles: OwnerRole[];
  minSeverity: '' | 'critical';
  escalations: '' | 'yes' | 'no';
  launchIds: string[];
  language: 'auto' | 'zh' | 'en';
}

const EMPTY: Form = {
  name: '',
  kind: 'dingtalk',
  url: '',
  secret: '',
  roles: [],
  minSeverity: '',
  escalations: '',
  launchIds: [],
  language: 'auto',
};

function inputOf(f: Form): ChannelInput {
  const route: ChannelInput['route'] = {};
  if (f.roles.length > 0) route.roles = f.roles;
  if (f.launchIds.length > 0) route.launchIds = f.launchIds;
  if (f.minSeverity) route.minSeverity = f.minSeverity;
  if (f.escalations) route.escalations = f.escalations === 'yes';
  return {
    name: f.name.trim(),
    kind: f.kind,
    url: f.url.trim(),
    ...(f.secret ? { secret: f.secret } : {}),
    route,
    language: f.language,
  };
}

function SelectField(props: {
  label: string;
  testId: string;
  value: string;
  options: [string, string][];
  onChange(value: string): void;
}) {
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        data-testid={props.testId}
        value={props.value}
        onChange={(ev) => props.onChange(ev.target.value)}
      >
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
      </select>
    </label>
  );
}

function ChannelForm(props: {
  launches: readonly LaunchSummary[];
  editing: Channel | null;
  onSaved(): void;
  onCancel(): void;
}) {
  const t = useT();
  const lang = useLang();
  const e = props.editing;
  const [form, setForm] = useState<Form>(() =>
    e
      ? {
          ...EMPTY,
          name: e.name,
          kind: e.kind,
          url: '',
          roles: e.route.roles ?? [],
          launchIds: e.route.launchIds ?? [],
          minSeverity: e.route.minSeverity === 'critical' ? 'critical' : '',
          escalations: e.route.escalations === undefined ? '' : e.route.escalations ? 'yes' : 'no',
          language: e.language,
        }
      : EMPTY,
  );
  const [error, setError] = useState<string | null>(null);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));
  const toggle = <V,>(list: V[], v: V) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const save = async () => {
    setError(null);
    try {
      if (e) await channelsApi.update(e.id, inputOf(form));
      else await channelsApi.create(inputOf(form));
      setForm(EMPTY);
      props.onSaved();
    } catch (err) {
      setError(t('error', { msg: (err as Error).message }));
    }
  };
  return (
    <form
      className="acct-form channel-form"
      data-testid="channel-form"
      noValidate
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      <label className="field">
        <span>{t('chName')}</span>
        <input
          data-testid="channel-name"
          value={form.name}
          maxLength={80}
          placeholder={lang === 'zh' ? '例如: 推广群' : 'e.g. Promotion group'}
          onChange={(ev) => set('name', ev.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('chKind')}</span>
        <select
          data-testid="channel-kind"
          value={form.kind}
          onChange={(ev) => set('kind', ev.target.value as ChannelKind)}
        >
          {CHANNEL_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_WORD[k][lang]}
            </option>
          ))}
        </select>
      </label>
      <label className="field wide">
        <span>{t('chUrl')}</span>
        <input
          data-testid="channel-url"
          value={form.url}
          spellCheck={false}
          placeholder={e ? e.url : 'https://oapi.dingtalk.com/robot/send?access_token=…'}
          onChange={(ev) => set('url', ev.target.value)}
        />
      </label>
      <label className="field wide">
        <span>{t('chSecret')}</span>
        <input
          data-testid="channel-secret"
          type="password"
          autoComplete="off"
          value={form.secret}
          placeholder={e?.hasSecret ? t('chSecretKept') : 'SEC…'}
          onChange={(ev) => set('secret', ev.target.value)}
        />
      </label>
      <fieldset className="field wide channel-roles">
        <legend>{t('chRoles')}</legend>
        {OWNER_ROLES.map((r) => (
          <label key={r} className="choice">
            <input
              type="checkbox"
              data-testid={`channel-role-${r}`}
              checked={form.roles.includes(r)}
              onChange={() => set('roles', toggle(form.roles, r))}
            />
            {roleLabel(lang, r)}
          </label>
        ))}
      </fieldset>
      <SelectField
        label={t('chMinSeverity')}
        testId="channel-severity"
        value={form.minSeverity}
        options={[
          ['', t('chAllSeverities')],
          ['critical', t('chCriticalOnly')],
        ]}
        onChange={(v) => set('minSeverity', v as Form['minSeverity'])}
      />
      <SelectField
        label={t('chEscalations')}
        testId="channel-escalations"
        value={form.escalations}
        options={[
          ['', t('chEscDefault')],
          ['yes', t('chEscYes')],
          ['no', t('chEscNo')],
        ]}
        onChange={(v) => set('escalations', v as Form['escalations'])}
      />
      <SelectField
        label={t('chLanguage')}
        testId="channel-language"
        value={form.language}
        options={[
          ['auto', t('chLangAuto')],
          ['zh', '中文'],
          ['en', 'English'],
        ]}
        onChange={(v) => set('language', v as Form['language'])}
      />
      {props.launches.length > 0 && (
        <fieldset className="field wide channel-launches">
          <legend>{t('chLaunches')}</legend>
          {props.launches.slice(0, 12).map((l) => (
            <label key={l.id} className="choice">
              <input
                type="checkbox"
                checked={form.launchIds.includes(l.id)}
                onChange={() => set('launchIds', toggle(form.launchIds, l.id))}
              />
              {l.name}
            </label>
          ))}
        </fieldset>
      )}
      <div className="acct-submit">
        <button type="submit" className="btn btn-primary" data-testid="channel-save">
          {e ? t('chSave') : t('chAdd')}
        </button>
        {e && (
          <button type="button" className="btn" onClick={props.onCancel}>
            {t('chCancel')}
          </button>
        )}
      </div>
      {error && (
        <p className="level-critical" data-testid="channel-error">
          {error}
        </p>
      )}
    </form>
  );
}

function routeText(lang: 'zh' | 'en', c: Channel, launches: readonly LaunchSummary[]): string {
  const parts: string[] = [];
  parts.push(
    c.route.roles
      ? c.route.roles.map((r) => roleLabel(lang, r)).join('、')
      : lang === 'zh'
        ? '全部角色'
        : 'all roles',
  );
  if (c.route.minSeverity === 'critical') parts.push(lang === 'zh' ? '仅严重' : 'critical only');
  if (c.route.escalations === true) parts.push(lang === 'zh' ? '接收升级' : 'escalations');
  if (c.route.escalations === false) parts.push(lang === 'zh' ? '不接收升级' : 'no escalations');
  if (c.route.launchIds)
    parts.push(c.route.launchIds.map((id) => launches.find((l) => l.id === id)?.name ?? id).join('、'));
  return parts.join(' · ');
}

function Deliveries({ channel }: { channel: Channel }) {
  const t = useT();
  const lang = useLang();
  const [rows, setRows] = useState<DeliveryLogEntry[] | null>(null);
  const load = useCallback(
    () => channelsApi.deliveries(channel.id).then(setRows, () => setRows([])),
    [channel.id],
  );
  useEffect(() => void load(), [load]);
  return (
    <div className="channel-deliveries" data-testid="channel-deliveries">
      <div className="toolbar">
        <h3>
          {t('chDeliveries')} · {channel.name}
        </h3>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => void load()}>
          <IconRefresh /> {t('refresh')}
        </button>
      </div>
      <table className="acct-table">
        <tbody>
          {rows?.length === 0 && (
            <tr>
              <td className="muted">{t('none')}</td>
            </tr>
          )}
          {(rows ?? []).map((d, i) => (
            <tr key={i} data-testid="delivery-row" data-status={d.status}>
              <td className="num muted">{formatDateTime(lang, d.at)}</td>
              <td
                className={
                  d.status === 'failed' ? 'level-critical' : d.status === 'retrying' ? 'level-warning' : ''
                }
              >
                {t(`dStatus.${d.status}`)}
              </td>
              <td>{t(`dKind.${d.kind}`)}</td>
              <td className="mono">{d.incidentId.split('-i-')[1] ?? d.incidentId}</td>
              <td className="num">{t('dAttempt', { n: d.attempt })}</td>
              <td className="muted">
                {[d.code, d.message].filter(Boolean).join(' ')}
                {d.nextAt && ` · ${t('dNext', { at: formatDateTime(lang, d.nextAt) })}`}
                {d.keys.length > 1 && ` · ×${d.keys.length}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ChannelsPanel() {
  const t = useT();
  const lang = useLang();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  const [editing, setEditing] = useState<Channel | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [tests, setTests] = useState<Record<string, ChannelTestResult | string>>({});
  const load = useCallback(() => channelsApi.list().then(setChannels, () => undefined), []);
  useEffect(() => {
    void load();
    api.launches().then(
      (l) => setLaunches([...l].sort((a, b) => b.startAt.localeCompare(a.startAt))),
      () => undefined,
    );
  }, [load]);
  const test = async (c: Channel) => {
    try {
      const r = await channelsApi.test(c.id);
      setTests((x) => ({ ...x, [c.id]: r }));
    } catch (e) {
      setTests((x) => ({ ...x, [c.id]: (e as Error).message }));
    }
  };
  const remove = async (c: Channel) => {
    await channelsApi.remove(c.id).catch(() => undefined);
    if (open === c.id) setOpen(null);
    void load();
  };
  const openChannel = channels?.find((c) => c.id === open) ?? null;
  return (
    <section className="acct-section channels" data-testid="channels-panel">
      <h2>{t('chTitle')}</h2>
      <ChannelForm
        key={editing?.id ?? 'new'}
        launches={launches}
        editing={editing}
        onSaved={() => {
          setEditing(null);
          void load();
        }}
        onCancel={() => setEditing(null)}
      />
      {channels?.length === 0 && <p className="muted">{t('chNone')}</p>}
      <table className="acct-table" data-testid="channels-table">
        <tbody>
          {(channels ?? []).map((c) => {
            const r = tests[c.id];
            return (
              <tr key={c.id} data-testid="channel-row" data-channel-id={c.id}>
                <td>
                  <strong>{c.name}</strong>
                  <div className="muted">{KIND_WORD[c.kind][lang]}</div>
                </td>
                <td className="mono channel-url">{c.url}</td>
                <td>{routeText(lang, c, launches)}</td>
                <td className="channel-actions">
                  <button
                    type="button"
                    className="btn"
                    data-testid="channel-test"
                    onClick={() => void test(c)}
                  >
                    {t('chTest')}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    data-testid="channel-log"
                    onClick={() => setOpen(c.id)}
                  >
                    {t('chDeliveries')}
                  </button>
                  <button type="button" className="btn" onClick={() => setEditing(c)}>
                    {t('chEdit')}
                  </button>
                  <button type="button" className="btn" onClick={() => void remove(c)}>
                    {t('chDelete')}
                  </button>
                  {r !== undefined && (
                    <div
                      data-testid="channel-test-result"
                      className={typeof r !== 'string' && r.ok ? 'level-ok' : 'level-critical'}
                    >
                      {typeof r === 'string'
                        ? t('error', { msg: r })
                        : r.ok
                          ? t('chTestOk', { body: r.body.slice(0, 120) })
                          : t('chTestFail', {
                              code: r.code ?? String(r.status ?? ''),
                              message: r.message ?? '',
                            })}
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {openChannel && <Deliveries key={openChannel.id} channel={openChannel} />}
    </section>
  );
}
