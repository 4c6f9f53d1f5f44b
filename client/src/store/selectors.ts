/** Module-level selectors: stable identities so components re-render only on what they read. */
import type { Store } from './index';

export const selectLang = (s: Store) => s.ui.lang;
export const selectMuted = (s: Store) => s.ui.muted;
export const selectRoleFilter = (s: Store) => s.ui.roleFilter;
export const selectStatusFilter = (s: Store) => s.ui.statusFilter;
export const selectConnection = (s: Store) => s.connection;
export const selectInbox = (s: Store) => s.inbox;
export const selectLaunches = (s: Store) => s.launches;
export const selectLaunchErrors = (s: Store) => s.launchErrors;
