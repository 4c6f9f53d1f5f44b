/**
 * Notification channels (DingTalk / WeCom / Feishu robots, signed webhooks) and the notifications
 * of a launch's log: the incident rules decide that a message is due (`notification.due`, one dedup
 * key per incident and notification), the sender at the edge routes it (`notification.routed`) and
 * records each attempt per channel (`notification.delivery`: sent, failed, retrying).
 */
import { z } from 'zod';
import { Severity } from './alert';
import { OwnerRole } from './playbook';

export const CHANNEL_KINDS = ['dingtalk', 'wecom', 'feishu', 'webhook'] as const;
export const ChannelKind = z.enum(CHANNEL_KINDS);
export type ChannelKind = z.infer<typeof ChannelKind>;

/** Which notifications a channel receives; every field left out matches everything. */
export const ChannelRoute = z.strictObject({
  /** Owner roles whose incidents it receives (each role's group); left out: every role. */
  roles: z.array(OwnerRole).min(1).max(6).optional(),
  /** Launches it receives; left out: every launch. */
  launchIds: z.array(z.string().min(1).max(80)).min(1).max(100).optional(),
  /** Least severity it receives (`critical`: critical ones only); left out: warning and up. */
  minSeverity: Severity.optional(),
  /**
   * Escalations (an incident nobody acknowledged in time goes to the 电商经理): true sends them
   * here whatever `roles` says; false never; left out: when `roles` is left out or names 电商经理.
   */
  escalations: z.boolean().optional(),
});
export type ChannelRoute = z.infer<typeof ChannelRoute>;

const HttpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (u) => {
      try {
        const p = new URL(u).protocol;
        return p === 'http:' || p === 'https:';
      } catch {
        return false;
      }
    },
    { error: 'must be an http:// or https:// address' },
  );

export const ChannelInput = z.strictObject({
  name: z.string().trim().min(1).max(80),
  kind: ChannelKind,
  /** The robot's webhook (DingTalk with access_token, WeCom with key, Feishu's hook) or any URL. */
  url: HttpUrl,
  /** DingTalk 加签 / Feishu 签名校验 secret, or the webhook's signing secret. Never returned. */
  secret: z.string().min(1).max(200).optional(),
  route: ChannelRoute.optional(),
  /** Message language: `auto` (default) is English for a launch whose name has no Chinese. */
  language: z.enum(['zh', 'en', 'auto']).optional(),
  enabled: z.boolean().optional(),
});
export type ChannelInput = z.infer<typeof ChannelInput>;

/** A channel as the API answers it: the secret is never returned, only whether there is one. */
export const Channel = z.object({
  id: z.string(),
  name: z.string(),
  kind: ChannelKind,
  /** The URL with its token (access_token, key, hook id) masked. */
  url: z.string(),
  hasSecret: z.boolean(),
  route: ChannelRoute,
  language: z.enum(['zh', 'en', 'auto']),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
});
export type Channel = z.infer<typeof Channel>;

export const NOTIFICATION_KINDS = ['opened', 'worsened', 'reopened', 'escalated', 'acknowledged'] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** A message due to the room's channels, decided with the incident fact it announces. */
export const NotificationDue = z.object({
  /** Dedup key per (incident, notification): `<incidentId>#<history index>`. */
  key: z.string(),
  incidentId: z.string(),
  kind: NotificationKind,
  severity: Severity,
  owner: OwnerRole,
  /** Launch-clock time of the incident change. */
  at: z.string(),
  /** Acknowledgements: who and with which action. */
  by: z.string().nullable(),
  action: z.string().nullable(),
});
export type NotificationDue = z.infer<typeof NotificationDue>;

export const DeliveryStatus = z.enum(['sent', 'failed', 'retrying']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** One attempt to deliver one message (several keys when updates were bunched) to one channel. */
export const DeliveryAttempt = z.object({
  keys: z.array(z.string()).min(1),
  channelId: z.string(),
  status: DeliveryStatus,
  /** 1 for the first attempt. */
  attempt: z.number().int().positive(),
  /** The platform's error code (errcode / code / HTTP status / network error), null on success. */
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** Wall time of the attempt, and of the next one when retrying. */
  at: z.string(),
  nextAt: z.string().nullable(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** A notification's state as the fold keeps it. */
export interface NotificationState {
  due: NotificationDue;
  /** The channels it was routed to (null until the sender routed it). */
  channels: string[] | null;
  /** The latest attempt per channel id. */
  deliveries: Record<string, DeliveryAttempt>;
  /** Every attempt, oldest first (bounded: the sender gives up after a few per channel). */
  attempts: DeliveryAttempt[];
}

/** A channel's delivery log entry (GET /api/channels/:id/deliveries). */
export const DeliveryLogEntry = DeliveryAttempt.extend({
  launchId: z.string(),
  incidentId: z.string(),
  kind: NotificationKind,
});
export type DeliveryLogEntry = z.infer<typeof DeliveryLogEntry>;

/** What `POST /api/channels/:id/test` answers: the platform's reply. */
export const ChannelTestResult = z.object({
  ok: z.boolean(),
  status: z.number().int().nullable(),
  code: z.string().nullable(),
  message: z.string().nullable(),
  /** The reply's body as the platform sent it (capped). */
  body: z.string(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

/** The notification due with an incident fact, if it announces something to the room. */
export function notificationFor(
  type: string,
  incident: {
    id: string;
    severity: Severity;
    owner: OwnerRole;
    updatedAt: string;
    history: readonly unknown[];
    ackedBy: string | null;
    action: string | null;
  },
): NotificationDue | null {
  const kind = (
    {
      'incident.opened': 'opened',
      'incident.worsened': 'worsened',
      'incident.reopened': 'reopened',
      'incident.escalated': 'escalated',
      'incident.acknowledged': 'acknowledged',
    } as Record<string, NotificationKind>
  )[type];
  if (!kind) return null;
  return {
    key: `${incident.id}#${incident.history.length}`,
    incidentId: incident.id,
    kind,
    severity: incident.severity,
    owner: incident.owner,
    at: incident.updatedAt,
    by: kind === 'acknowledged' ? incident.ackedBy : null,
    action: kind === 'acknowledged' ? incident.action : null,
  };
}
