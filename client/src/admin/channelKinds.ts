/** What each kind of notification channel is called, in both languages (admin and audit). */
import type { ChannelKind } from '@warroom/shared';

export const KIND_WORD: Record<ChannelKind, { zh: string; en: string }> = {
  dingtalk: { zh: '钉钉机器人', en: 'DingTalk robot' },
  wecom: { zh: '企业微信机器人', en: 'WeCom robot' },
  feishu: { zh: '飞书机器人', en: 'Feishu bot' },
  webhook: { zh: 'Webhook（签名）', en: 'Webhook (signed)' },
};

export const isChannelKind = (k: unknown): k is ChannelKind => typeof k === 'string' && k in KIND_WORD;
