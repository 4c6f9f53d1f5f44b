/**
 * What a notification says, in Chinese (English for an English launch or channel): the launch, the
 * checkpoint, the metric with its direction and deviation, the diagnosis, the plan with its owners
 * and actions, and the link that opens the acknowledgement on a phone. An acknowledgement is told
 * back as 已确认 · who · action.
 */
import {
  type Incident,
  type Lang,
  type Launch,
  METRIC_LABELS,
  type NotificationDue,
  OWNER_ROLE_LABELS,
  isSituation,
  translate,
} from '@warroom/shared';

export interface MessagePart {
  launch: Launch;
  due: NotificationDue;
  /** The incident as it stands now (its plan and figures). */
  incident: Incident | undefined;
}

/** A message as plain parts: every platform renders these (markdown, a card, JSON). */
export interface Message {
  title: string;
  /** Markdown (DingTalk, WeCom and Feishu's lark_md all take this subset). */
  markdown: string;
  lang: Lang;
}

const T = {
  zh: {
    opened: '告警',
    worsened: '告警加重',
    reopened: '告警重新打开',
    escalated: '告警升级',
    acknowledged: '已确认',
    critical: '严重',
    warning: '预警',
    checkpoint: '检查点',
    metric: '指标',
    diagnosis: '诊断',
    plan: '预案',
    owner: '负责人',
    ack: '确认处理',
    over: '高于计划',
    under: '低于计划',
    cause: '主因',
    traffic: '访客',
    conversion: '转化',
    orderValue: '客单价',
    escalatedTo: '无人确认，已升级至',
    updates: (n: number) => `${n} 条告警更新`,
    sep: '：',
    list: '；',
    test: 'War room 测试消息：此频道已连通。',
    testTitle: 'War room 测试消息',
  },
  en: {
    opened: 'Alert',
    worsened: 'Alert worse',
    reopened: 'Alert re-opened',
    escalated: 'Alert escalated',
    acknowledged: 'Acknowledged',
    critical: 'critical',
    warning: 'warning',
    checkpoint: 'Checkpoint',
    metric: 'Metric',
    diagnosis: 'Diagnosis',
    plan: 'Plan',
    owner: 'Owner',
    ack: 'Acknowledge',
    over: 'above plan',
    under: 'below plan',
    cause: 'cause',
    traffic: 'visitors',
    conversion: 'conversion',
    orderValue: 'order value',
    escalatedTo: 'nobody acknowledged; escalated to',
    updates: (n: number) => `${n} alert updates`,
    sep: ': ',
    list: '; ',
    test: 'War room test message: this channel works.',
    testTitle: 'War room test message',
  },
} as const;

/** `auto`: English when the launch's name has no Chinese character. */
export function messageLang(language: 'zh' | 'en' | 'auto', launchName: string): Lang {
  if (language !== 'auto') return language;
  return /[\u3400-\u9fff]/.test(launchName) ? 'zh' : 'en';
}

export function checkpointLabel(minute: number): string {
  return minute < 0 ? `T−${-minute}` : `T+${minute}`;
}

const pct = (x: number) => `${x >= 0 ? '▲' : '▼'}${Math.abs(x * 100).toFixed(1)}%`;

function subject(lang: Lang, incident: Incident): string {
  if (incident.metric) return METRIC_LABELS[incident.metric][lang];
  const key = incident.plan.metric;
  if (isSituation(key)) return translate(lang, `situation.${key}`);
  return METRIC_LABELS[key][lang];
}

/** The ack link: `<WARROOM_PUBLIC_URL>/ack/<incident id>` (the phone console, after login). */
export function ackUrl(publicUrl: string, incidentId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/ack/${encodeURIComponent(incidentId)}`;
}

function heading(lang: Lang, p: MessagePart): string {
  const t = T[lang];
  const i = p.incident;
  if (p.due.kind === 'acknowledged') return `${t.acknowledged} · ${p.due.by ?? '—'} · ${p.due.action ?? '—'}`;
  const sev = t[p.due.severity];
  const what = i ? subject(lang, i) : p.due.incidentId;
  return `【${t[p.due.kind]} · ${sev}】${p.launch.name} · ${what}`;
}

function body(lang: Lang, p: MessagePart, publicUrl: string): string[] {
  const t = T[lang];
  const i = p.incident;
  const lines = [`**${heading(lang, p)}**`];
  if (!i) return lines;
  if (p.due.kind === 'acknowledged') {
    lines.push(`- ${p.launch.name} · ${subject(lang, i)} · ${checkpointLabel(i.checkpoint)}`);
    if (i.note) lines.push(`- ${i.note}`);
    return lines;
  }
  lines.push(`- ${t.checkpoint}${t.sep}${checkpointLabel(i.checkpoint)}`);
  const dir = i.direction ? t[i.direction] : '';
  const dev = i.deviation !== null ? ` ${pct(i.deviation)}` : '';
  lines.push(`- ${t.metric}${t.sep}${subject(lang, i)} ${dir}${dev}`.trimEnd());
  const d = i.diagnosis;
  if (d) {
    const f = d.factors;
    const factors = [
      `${t.traffic} ${pct(f.traffic)}`,
      `${t.conversion} ${pct(f.conversion)}`,
      ...(d.withoutBuyers ? [] : [`${t.orderValue} ${pct(f.orderValue)}`]),
    ];
    const cause = { traffic: t.traffic, conversion: t.conversion, 'order-value': t.orderValue }[d.cause];
    lines.push(`- ${t.diagnosis}${t.sep}${t.cause} ${cause}（${factors.join(lang === 'zh' ? '，' : ', ')}）`);
  }
  if (p.due.kind === 'escalated' && i.escalatedTo)
    lines.push(`- ${t.escalatedTo} ${OWNER_ROLE_LABELS[i.escalatedTo][lang]}`);
  lines.push(`- ${t.plan}${t.sep}${i.plan.title}`);
  for (const o of i.plan.owners)
    lines.push(`  - ${t.owner} ${OWNER_ROLE_LABELS[o.role][lang]}${t.sep}${o.actions.join(t.list)}`);
  lines.push(`- [${t.ack}](${ackUrl(publicUrl, i.id)})`);
  return lines;
}

/** One message for one or more due notifications (several when updates were bunched). */
export function compose(parts: readonly MessagePart[], lang: Lang, publicUrl: string): Message {
  const t = T[lang];
  if (parts.length === 1) {
    const p = parts[0]!;
    return { title: heading(lang, p), markdown: body(lang, p, publicUrl).join('\n'), lang };
  }
  const sections = parts.map((p) => body(lang, p, publicUrl).join('\n'));
  return {
    title: t.updates(parts.length),
    markdown: [`**${t.updates(parts.length)}**`, ...sections].join('\n\n'),
    lang,
  };
}

export function testMessage(lang: Lang): Message {
  return { title: T[lang].testTitle, markdown: T[lang].test, lang };
}
