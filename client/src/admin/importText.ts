/**
 * The importer reports in English; the common reasons read in Chinese on the admin page (the rest
 * stay as the server wrote them, which names the column and the value either way).
 */
import type { Lang } from '../i18n';

const PATTERNS: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^(.+) is not a number: '(.*)'$/, (m) => `${m[1]} 不是数字: '${m[2]}'`],
  [/^(.+) is empty \(a running total\)$/, (m) => `${m[1]} 为空 (累计列)`],
  [/^(.+) is empty; every row needs its time$/, (m) => `${m[1]} 为空: 每一行都需要时间`],
  [/^(.+) is empty$/, (m) => `${m[1]} 为空`],
  [
    /^(.+) went down from (.+) \(line (\d+)\) to (.+); a running total \(累计\) never decreases$/,
    (m) => `${m[1]} 从 ${m[2]} (第 ${m[3]} 行) 降到 ${m[4]}: 累计值不会下降`,
  ],
  [/^ignored by the mapping$/, () => '按列映射忽略'],
  [/^a rate, derived from the counts: not stored$/, () => '比率, 由计数推算, 不保存'],
  [/^not a known column name; .*$/, () => '不是已知的列名; 如需导入请指定列映射'],
  [/^'(.+)' already gives (.+)$/, (m) => `'${m[1]}' 已提供 ${m[2]}`],
  [/^'(.+)' gives the minute$/, (m) => `分钟由 '${m[1]}' 给出`],
];

export function importText(lang: Lang, message: string): string {
  if (lang !== 'zh') return message;
  for (const [re, zh] of PATTERNS) {
    const m = re.exec(message);
    if (m) return zh(m);
  }
  return message;
}
