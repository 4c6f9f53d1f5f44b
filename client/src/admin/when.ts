import { DEFAULT_TIMEZONE, formatLocal, parseDateTime } from '@warroom/shared';
import type { Lang } from '../i18n';

/** A date and time for admin tables, in the team's zone: 11/25 14:32:05. */
export function formatDateTime(lang: Lang, iso: string, zone = DEFAULT_TIMEZONE): string {
  const ms = parseDateTime(iso, zone);
  if (Number.isNaN(ms)) return iso;
  return formatLocal(ms, zone, lang, { date: true, seconds: true });
}

const LONG_LOCALES: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

/**
 * 开团 as the planner reads it, in the launch's zone and the UI's language whatever the browser's
 * locale: 2026年3月12日周四 10:00 / Thu, 12 March 2026 at 10:00. (A datetime-local input showed
 * 12/03/2026, 10:00:00 AM under an English browser.) Null when the text is no date-time.
 */
export function formatLaunchStart(lang: Lang, text: string, zone: string): string | null {
  // A zone or date half typed is nothing to show yet: parse and Intl both refuse it.
  try {
    const ms = parseDateTime(text.trim().replace(' ', 'T'), zone);
    if (Number.isNaN(ms)) return null;
    return new Intl.DateTimeFormat(LONG_LOCALES[lang], {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(ms);
  } catch {
    return null;
  }
}
