/**
 * The group wall's model, pure: the shared group view (tiles ordered by urgency, totals) and the
 * combined forecast over the launches this browser folds, the featured incident, the pages of
 * tiles and where a kiosk playlist stands. No React, no store.
 */
import {
  type CombinedCurve,
  type Group,
  type GroupView,
  type Incident,
  combinedCurve,
  featuredGroupIncident,
  groupView,
} from '@warroom/shared';
import { launchNow, type LaunchView } from '../store/launchFold';

/** Tiles one page of the group wall holds (4 × 3); more launches rotate through pages. */
export const TILES_PER_PAGE = 12;
/** Seconds a page of tiles stays before the next one. */
export const PAGE_SECONDS = 15;

export interface WallModel {
  view: GroupView;
  featured: Incident | null;
  /** The launches' states in the store, by id (those not loaded yet are missing). */
  states: ReadonlyMap<string, LaunchView>;
}

export function wallModel(
  group: Group,
  launches: ReadonlyMap<string, LaunchView>,
  wallNow: number,
): WallModel {
  const states = new Map<string, LaunchView>();
  for (const id of group.launchIds) {
    const s = launches.get(id);
    if (s) states.set(id, s);
  }
  const list = [...states.values()];
  return {
    view: groupView(
      group,
      list.map((state) => ({ state, nowMs: launchNow(state.clock, wallNow) })),
    ),
    featured: featuredGroupIncident(list),
    states,
  };
}

/** The combined forecast and actuals of the group's launches (changes only with their facts). */
export function wallCurve(group: Group, launches: ReadonlyMap<string, LaunchView>): CombinedCurve {
  return combinedCurve(group.launchIds.flatMap((id) => launches.get(id) ?? []));
}

export interface Paging {
  page: number;
  pages: number;
  /** Seconds until the next page (null with one page). */
  left: number | null;
}

/** Which page of tiles shows `elapsedMs` after the wall opened, turning every `seconds`. */
export function paging(
  count: number,
  elapsedMs: number,
  perPage = TILES_PER_PAGE,
  seconds = PAGE_SECONDS,
): Paging {
  const pages = Math.max(1, Math.ceil(count / perPage));
  if (pages === 1) return { page: 0, pages, left: null };
  const step = Math.floor(elapsedMs / 1000 / seconds);
  return { page: step % pages, pages, left: seconds - (Math.floor(elapsedMs / 1000) % seconds) };
}

/** A kiosk playlist's item: the group wall, or one launch's own wall. */
export type PlaylistItem = { kind: 'group' } | { kind: 'launch'; launchId: string };

export interface PlaylistState {
  index: number;
  /** Wall time the current item came up. */
  since: number;
}

/**
 * Where a playlist stands at `wallNow`: the group wall, then each launch's wall in the group's
 * order, `intervalMs` each. A launch with an unacknowledged critical incident holds the playlist
 * on its wall until the incident is taken on; the playlist goes on from there.
 */
export function playlistStep(
  state: PlaylistState,
  items: readonly PlaylistItem[],
  intervalMs: number,
  wallNow: number,
  holds: (launchId: string) => boolean,
): PlaylistState {
  if (items.length === 0) return state;
  const index = Math.min(state.index, items.length - 1);
  const item = items[index]!;
  const stay = index === state.index ? state : { index, since: state.since };
  if (item.kind === 'launch' && holds(item.launchId)) return stay;
  if (wallNow - state.since < intervalMs) return stay;
  return { index: (index + 1) % items.length, since: wallNow };
}

/** Whether a launch has an unacknowledged critical incident (the playlist holds on it). */
export function unackedCritical(state: LaunchView | undefined): boolean {
  if (!state) return false;
  for (const i of state.incidents.values()) if (i.status === 'open' && i.severity === 'critical') return true;
  return false;
}
