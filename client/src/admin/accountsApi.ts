/** The admin's account endpoints: users, bearer tokens, the audit trail. */
import type { AuditEntry, TokenInfo, TokenScope, User, UserInput } from '@warroom/shared';
import { request } from '../api';

/** A just-created token: the secret is in this answer only. */
export type CreatedToken = TokenInfo & { token: string };

export const accountsApi = {
  users: () => request<User[]>('GET', '/api/users'),
  createUser: (input: UserInput) => request<User>('POST', '/api/users', input),
  tokens: () => request<TokenInfo[]>('GET', '/api/tokens'),
  createToken: (name: string, scope: TokenScope) =>
    request<CreatedToken>('POST', '/api/tokens', { name, scope }),
  revokeToken: (id: string) => request<TokenInfo>('DELETE', `/api/tokens/${encodeURIComponent(id)}`),
  audit: (limit: number, action?: string) =>
    request<AuditEntry[]>(
      'GET',
      `/api/audit?limit=${limit}${action ? `&action=${encodeURIComponent(action)}` : ''}`,
    ),
};

/** The kiosk URL for a launch: opened once on the TV, the token then leaves the address bar. */
export function screenUrl(origin: string, launchId: string, token: string): string {
  return `${origin}/screen/${encodeURIComponent(launchId)}?token=${encodeURIComponent(token)}`;
}
