import { DEFAULT_TIMEZONE } from '@warroom/shared';
import type { Lang } from '../i18n';

/** A date and time for admin tables, in the team's zone: 11-25 14:32:05. */
export function formatDateTime(lang: Lang, iso: string, zone = DEFAULT_TIMEZONE): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: zone,
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(ms);
}
