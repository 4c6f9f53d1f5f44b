/**
 * The shared schemas' messages are English; the admin forms show them in Chinese when they are
 * among the known ones (the rest stay as the server wrote them).
 */
import type { Lang } from '../i18n';

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^must be at least (\d+) characters?$/, (m) => `至少 ${m[1]} 个字符`],
  [/^must be at most (\d+) characters?$/, (m) => `最多 ${m[1]} 个字符`],
  [/^may use letters, digits, _ \. - only$/, () => '只能使用字母、数字和 _ . -'],
  [/^Too small: expected string to have >=(\d+) characters?$/, (m) => `至少 ${m[1]} 个字符`],
  [/^Too big: expected string to have <=(\d+) characters?$/, (m) => `最多 ${m[1]} 个字符`],
  [/^Invalid option: expected one of .*$/, () => '请从列表中选择'],
  [/^Invalid input: expected string, received undefined$/, () => '必填'],
  [/^must not be empty$/, () => '不能为空'],
  [/^must be a clock time such as 15:00$/, () => '请填写时钟时间, 如 15:00'],
  [/^Too small: expected number to be >=(-?\d+)$/, (m) => `不能小于 ${m[1]}`],
  [/^Too big: expected number to be <=(-?\d+)$/, (m) => `不能大于 ${m[1]}`],
  [/^give either "offsetMinutes".*$/, () => '请填写相对开团的分钟数或时钟时间 (二选一)'],
];

export function zodText(lang: Lang, message: string): string {
  if (lang !== 'zh') return message;
  for (const [re, zh] of PATTERNS) {
    const m = re.exec(message);
    if (m) return zh(m);
  }
  return message;
}
