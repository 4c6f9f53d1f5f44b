import { z } from 'zod';
import { issueError } from './i18n';

/** People's roles: admin ⊃ supervisor ⊃ viewer. */
export const ROLES = ['admin', 'supervisor', 'viewer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Bearer tokens: data pushers (`ingest`), kiosk screens (`screen`, read-only) and a Prometheus
 * server scraping `/metrics` (`metrics`, nothing else).
 */
export const TokenScope = z.enum(['ingest', 'screen', 'metrics']);
export type TokenScope = z.infer<typeof TokenScope>;

export const Username = z
  .string()
  .trim()
  .min(2, issueError('v.atLeastChars', { n: 2 }))
  .max(40)
  .regex(/^[\p{L}\p{N}_.-]+$/u, issueError('v.usernameChars'));

/** The shortest password a person may have; WARROOM_ADMIN_PASSWORD is held to it at start too. */
export const PASSWORD_MIN_LENGTH = 8;

export const Password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, issueError('v.atLeastChars', { n: PASSWORD_MIN_LENGTH }))
  .max(200, issueError('v.atMostChars', { n: 200 }));

export const LoginInput = z.strictObject({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const UserInput = z.strictObject({
  username: Username,
  password: Password,
  role: Role,
  /** The name shown on acknowledgements (王芳); defaults to the username. */
  displayName: z.string().trim().min(1).max(40).optional(),
  /** The owner role this person covers (运营主管…), to highlight their alerts. */
  ownerRole: z.string().trim().max(20).optional(),
});
export type UserInput = z.infer<typeof UserInput>;

export const User = z.object({
  username: z.string(),
  role: Role,
  displayName: z.string(),
  ownerRole: z.string().nullable(),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

export const TokenInput = z.strictObject({ name: z.string().trim().min(1).max(60), scope: TokenScope });
export type TokenInput = z.infer<typeof TokenInput>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scope: TokenScope,
  createdBy: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;

/** Who is asking: GET /api/session. */
export const Principal = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    username: z.string(),
    displayName: z.string(),
    role: Role,
    ownerRole: z.string().nullable(),
  }),
  z.object({ kind: z.literal('token'), tokenId: z.string(), name: z.string(), scope: TokenScope }),
]);
export type Principal = z.infer<typeof Principal>;

export const AuditEntry = z.object({
  offset: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
