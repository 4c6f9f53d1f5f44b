/**
 * An audit entry in the reader's words: the action, its target by name (the launch's name, the
 * alert's checkpoint and metric, the token's name) rather than an id, and its details with their
 * labels in the UI's language. Pure; what the names come from is passed in.
 */
import {
  METRICS,
  SCENARIO_LABELS,
  isMessageKey,
  translate,
  type AuditEntry,
  type Lang,
  type Metric,
} from '@warroom/shared';
import { metricLabel } from '../i18n';
import { DEFAULT_TASK_KEYS } from '../derive';
import { KIND_WORD, isChannelKind } from './channelKinds';

/** Every action the server records (server/src: audit.record and the launch service). */
export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.blocked',
  'logout',
  'user.create',
  'token.create',
  'token.revoke',
  'launch.create',
  'launch.update',
  'runsheet.update',
  'runsheet.done',
  'simulation.start',
  'simulation.stop',
  'alert.ack',
  'incident.ack',
  'import',
  'group.create',
  'group.update',
  'group.delete',
  'channel.create',
  'channel.update',
  'channel.delete',
  'channel.test',
] as const;

export interface AuditNames {
  launchName(id: string): string | undefined;
  tokenName(id: string): string | undefined;
}

export function actionWord(lang: Lang, action: string): string {
  const key = `audit.${action}`;
  return isMessageKey(key) ? translate(lang, key) : action;
}

const ALERT_ID = /^(.+)-t(\d+)-([a-z-]+)$/;
const isMetric = (m: string): m is Metric => (METRICS as readonly string[]).includes(m);

/** The alert an id names, in words: 「雪凡妮 聚划算 · T+15 访客数」; null when it is no alert id. */
function alertText(lang: Lang, id: string, names: AuditNames): string | null {
  const m = ALERT_ID.exec(id);
  if (!m) return null;
  const [, launchId, t, metric] = m as unknown as [string, string, string, string];
  if (metric !== 'data-gap' && !isMetric(metric)) return null;
  const launch = names.launchName(launchId);
  const what = `T+${t} ${metricLabel(lang, metric)}`;
  return launch ? `${launch} · ${what}` : what;
}

export function targetText(lang: Lang, e: AuditEntry, names: AuditNames): string {
  const target = e.target;
  if (target === null) return '—';
  if (e.action === 'alert.ack') return alertText(lang, target, names) ?? target;
  if (e.action === 'runsheet.done') {
    const slash = target.lastIndexOf('/');
    const launch = names.launchName(target.slice(0, slash));
    const taskId = target.slice(slash + 1);
    const known = DEFAULT_TASK_KEYS.get(taskId);
    const task = translate(lang, 'auditTask', { task: known ? translate(lang, known) : taskId });
    return launch ? `${launch} · ${task}` : task;
  }
  if (e.action === 'token.create' || e.action === 'token.revoke') {
    const name = (typeof e.details?.name === 'string' ? e.details.name : null) ?? names.tokenName(target);
    return name ? translate(lang, 'auditToken', { name }) : target;
  }
  if (e.action === 'simulation.stop') return translate(lang, 'auditSimulation', { id: target });
  if (e.action === 'incident.ack') {
    // `<launch>-i-<story>`: the launch's incident.
    const i = target.lastIndexOf('-i-');
    const launch = i > 0 ? names.launchName(target.slice(0, i)) : undefined;
    return launch ? translate(lang, 'auditIncident', { launch }) : target;
  }
  if (e.action.startsWith('group.') || e.action.startsWith('channel.')) {
    const name = typeof e.details?.name === 'string' ? e.details.name : null;
    return name ?? target;
  }
  return names.launchName(target) ?? target;
}

function detailValue(lang: Lang, key: string, v: unknown, names: AuditNames | undefined): string {
  if (v === null || v === undefined) return key === 'action' ? translate(lang, 'auditNoAction') : '—';
  if (key === 'launches' && Array.isArray(v))
    return v.map((id) => (typeof id === 'string' ? (names?.launchName(id) ?? id) : String(id))).join('、');
  if (key === 'kind' && isChannelKind(v)) return KIND_WORD[v][lang];
  if (key === 'ok' && typeof v === 'boolean') return translate(lang, v ? 'auditOk' : 'auditNotOk');
  if (key === 'via' && (v === 'http' || v === 'socket'))
    return translate(lang, v === 'http' ? 'auditVia.http' : 'auditVia.socket');
  if (key === 'scenario' && typeof v === 'string' && v in SCENARIO_LABELS)
    return SCENARIO_LABELS[v as keyof typeof SCENARIO_LABELS][lang];
  if (key === 'speed' && typeof v === 'number') return `${v}×`;
  if (key === 'role' && typeof v === 'string') {
    const role = `role${v.charAt(0).toUpperCase()}${v.slice(1)}`;
    if (isMessageKey(role)) return translate(lang, role);
  }
  if (key === 'scope' && (v === 'screen' || v === 'ingest'))
    return translate(lang, v === 'screen' ? 'scopeScreen' : 'scopeIngest');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The details as 「读取行数 10 · 接受 9 …」: each key's label, each value in words where it has some. */
export function detailsText(lang: Lang, e: AuditEntry, names?: AuditNames): string {
  if (!e.details) return '';
  // A token's, a group's or a channel's name already stands as the target.
  const namedTarget = ['token.', 'group.', 'channel.'].some((p) => e.action.startsWith(p));
  return Object.entries(e.details)
    .filter(([k]) => !(k === 'name' && namedTarget))
    .map(([k, v]) => {
      const key = `auditKey.${k}`;
      const label = isMessageKey(key) ? translate(lang, key) : k;
      return `${label} ${detailValue(lang, k, v, names)}`;
    })
    .join(' · ');
}
