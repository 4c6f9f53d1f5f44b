import { z } from 'zod';
import { type Lang, fieldLabel, isMessageKey, translate } from './i18n';

export const ErrorCode = z.enum([
  'invalid_input',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'not_found',
  'conflict',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'subscription_in_flight',
  'storage_unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export interface DescribeOptions {
  /**
   * The language of whoever asked. Without one the line keeps its original English shape
   * (`forecast[3].minute: …`), which API clients and scripts may match on; with one, fields are
   * named as a person calls them (「预估曲线第 4 项 · 分钟：…」, "Forecast item 4 · Minute: …").
   */
  lang?: Lang;
  /** Issues listed before "and n more". */
  max?: number;
}

function rawPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, idx) => (typeof p === 'number' ? `[${p}]` : `${idx === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/** Turns zod issues into one line a person can act on: "forecast[3].minute: must be …". */
export function describeIssues(issues: readonly z.core.$ZodIssue[], options: DescribeOptions = {}): string {
  const { lang, max = 5 } = options;
  const say = lang ?? 'en';
  const parts = issues.slice(0, max).map((i) => {
    if (i.path.length === 0) return i.message;
    const field = lang ? fieldLabel(lang, i.path) : rawPath(i.path);
    return translate(say, 'issues.field', { field, message: i.message });
  });
  if (issues.length > max) parts.push(translate(say, 'issues.more', { n: issues.length - max }));
  return parts.join(translate(say, 'issues.separator'));
}

/**
 * "launch is invalid: …" / 「场次有误：…」. `what` names the input in English (parseInput's
 * argument); a name without a label reads as the request body in Chinese.
 */
export function describeInvalidInput(what: string, issues: readonly z.core.$ZodIssue[], lang?: Lang): string {
  const say = lang ?? 'en';
  const key = `input.${what}`;
  const name = say === 'en' ? what : translate(say, isMessageKey(key) ? key : 'input.request body');
  return translate(say, 'issues.invalid', { what: name, issues: describeIssues(issues, { lang }) });
}
