import { z } from 'zod';

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

/** Turns zod issues into one line a person can act on: "forecast[3].minute: must be …". */
export function describeIssues(issues: readonly z.core.$ZodIssue[], max = 5): string {
  const parts = issues.slice(0, max).map((i) => {
    const path = i.path
      .map((p, idx) => (typeof p === 'number' ? `[${p}]` : `${idx === 0 ? '' : '.'}${String(p)}`))
      .join('');
    return path ? `${path}: ${i.message}` : i.message;
  });
  if (issues.length > max) parts.push(`and ${issues.length - max} more`);
  return parts.join('; ');
}
