/**
 * The group wall (场次组大屏) at /wall/<groupId>: a whole batch of launches on one screen, read from
 * five metres — the group's totals against the combined forecast, the most severe unacknowledged
 * incident of any launch with its plan and owner, and a tile per launch ordered by urgency, paged
 * beyond twelve. With `?rotate=<seconds>` it is a kiosk playlist: the group wall and each launch's
 * own wall in turn, holding on a launch with an unacknowledged critical incident.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Group, GroupLaunch } from '@warroom/shared';
import { useGroup, useLang, useNow, useT } from '../hooks';
import { useStore } from '../store';
import { selectConnection } from '../store/selectors';
import { useSession } from '../auth/session';
import { formatAge, formatClock, formatDuration, formatMoney, formatPercent, zoneName } from '../format';
import { LangSwitch } from '../LangSwitch';
import { IconDot } from '../icons';
import { ScreenView } from '../screen/ScreenPage';
import { watchLaunch } from '../socket';
import { CombinedChart } from './CombinedChart';
import { FeaturedIncident } from './FeaturedIncident';
import { LaunchTile } from './LaunchTile';
import {
  PAGE_SECONDS,
  type PlaylistItem,
  type PlaylistState,
  TILES_PER_PAGE,
  paging,
  playlistStep,
  unackedCritical,
  wallCurve,
  wallModel,
} from './groupWall';
import '../screen/screen.css';
import './wall.css';

/** A whole-seconds URL parameter within [min, 3600], or null. */
function secondsParam(name: string, min: number): number | null {
  const v = Number(new URLSearchParams(window.location.search).get(name));
  return Number.isFinite(v) && v >= min ? Math.min(Math.round(v), 3600) : null;
}
/** The playlist interval (`?rotate=` seconds), or null for a plain group wall. */
const rotateSeconds = () => secondsParam('rotate', 5);
/** How long a page of tiles stays (`?page=` seconds; 15 by default). */
const pageSeconds = () => secondsParam('page', 3) ?? PAGE_SECONDS;

export default function GroupWallPage({ groupId }: { groupId: string }) {
  const { group, error } = useGroup(groupId);
  const [rotate] = useState(rotateSeconds);
  return rotate && group ? (
    <Playlist group={group} seconds={rotate} />
  ) : (
    <GroupWall group={group} error={error} />
  );
}

function Playlist({ group, seconds }: { group: Group; seconds: number }) {
  const wallNow = useNow(500);
  const launches = useThrottledLaunches(REDRAW_MS);
  const items = useMemo<PlaylistItem[]>(
    () => [{ kind: 'group' }, ...group.launchIds.map((launchId) => ({ kind: 'launch' as const, launchId }))],
    [group.launchIds],
  );
  const [step, setStep] = useState<PlaylistState>(() => ({ index: 0, since: Date.now() }));
  useEffect(() => {
    const id = setInterval(
      () =>
        setStep((current) =>
          playlistStep(current, items, seconds * 1000, Date.now(), (launchId) =>
            unackedCritical(useStore.getState().launches.get(launchId)),
          ),
        ),
      250,
    );
    return () => clearInterval(id);
  }, [items, seconds]);
  const next = step;
  const item = items[next.index] ?? items[0]!;
  const held = item.kind === 'launch' && unackedCritical(launches.get(item.launchId));
  const left = Math.max(0, Math.ceil((seconds * 1000 - (wallNow - next.since)) / 1000));
  return (
    <div
      className="playlist"
      data-testid="playlist"
      data-item={item.kind === 'group' ? 'group' : item.launchId}
    >
      {item.kind === 'group' ? (
        <GroupWall group={group} error={undefined} />
      ) : (
        <PlaylistLaunch launchId={item.launchId} />
      )}
      <PlaylistBadge held={held} left={left} index={next.index} count={items.length} />
    </div>
  );
}

function PlaylistBadge({
  held,
  left,
  index,
  count,
}: {
  held: boolean;
  left: number;
  index: number;
  count: number;
}) {
  const t = useT();
  return (
    <div className={`playlist-badge${held ? ' held' : ''}`} data-testid="playlist-badge" data-held={held}>
      {index + 1}/{count} · {held ? t('wall.hold') : t('wall.playlist', { left })}
    </div>
  );
}

/** A launch's own wall inside the playlist (its group's room already brings its facts). */
function PlaylistLaunch({ launchId }: { launchId: string }) {
  useEffect(() => watchLaunch(launchId), [launchId]);
  const state = useStore((s) => s.launches.get(launchId));
  const error = useStore((s) => s.launchErrors.get(launchId));
  return <ScreenView state={state} error={error} />;
}

/**
 * How often the group wall takes the store's launches: 50 launches at 60× commit about 50 times a
 * second, and redrawing the totals, the order and the combined curve for each commit kept the
 * main thread busy. Four times a second is fast to the eye and keeps the featured incident well
 * within a second of its checkpoint.
 */
const REDRAW_MS = 250;

function useThrottledLaunches(ms: number) {
  const [launches, setLaunches] = useState(() => useStore.getState().launches);
  useEffect(() => {
    const id = setInterval(() => setLaunches(useStore.getState().launches), ms);
    return () => clearInterval(id);
  }, [ms]);
  return launches;
}

function GroupWall({ group, error }: { group: Group | undefined; error: string | undefined }) {
  const t = useT();
  const lang = useLang();
  const connection = useStore(selectConnection);
  const launches = useThrottledLaunches(REDRAW_MS);
  const wallNow = useNow(1000);
  const [opened] = useState(() => Date.now());
  const [perPage] = useState(pageSeconds);
  const refused = useSession((s) => (s.status === 'kioskRevoked' ? 'revoked' : s.problem));
  const down = connection.status === 'reconnecting' && !refused;
  const model = useMemo(
    () => (group ? wallModel(group, launches, wallNow) : null),
    [group, launches, wallNow],
  );
  const curve = useMemo(() => (group ? wallCurve(group, launches) : null), [group, launches]);

  if (!group || !model || !curve)
    return (
      <div className="gwall" data-testid="group-wall" data-connection={connection.status}>
        <div className="page-loading">
          {error
            ? error === 'deleted'
              ? t('wall.groupDeleted')
              : `${t('wall.groupNotFound')} · ${error}`
            : t('loading')}
        </div>
      </div>
    );
  const { view, featured } = model;
  const tiles = view.launches;
  const pg = paging(tiles.length, wallNow - opened, TILES_PER_PAGE, perPage);
  const shown = tiles.slice(pg.page * TILES_PER_PAGE, (pg.page + 1) * TILES_PER_PAGE);
  const stale = tiles.filter((l) => l.feed === 'stale');
  const zone = model.states.values().next().value?.launch.timezone ?? 'Asia/Shanghai';
  const lastAt = Math.max(0, ...tiles.map((l) => (l.lastReadingAt ? Date.parse(l.lastReadingAt) : 0)));
  const clockMs = latestNow(model) || wallNow;
  const dense = shown.length > 6;
  const paused = [...model.states.values()].some((s) => s.clock.pausedAt !== null);
  return (
    <div
      className="gwall"
      data-testid="group-wall"
      data-connection={connection.status}
      data-tiles={tiles.length}
      data-page={pg.page}
      data-pages={pg.pages}
    >
      {refused && (
        <div className="banner banner-down banner-refused" data-testid="token-banner" role="alert">
          {refused === 'revoked' ? t('kioskRevoked') : t('kioskForbidden')}
          <small>{t('kioskRevokedDetail')}</small>
        </div>
      )}
      {down && (
        <div className="banner banner-down banner-connection" data-testid="connection-banner" role="alert">
          {t('disconnected')}
          {connection.downSince !== null && (
            <small>{t('disconnectedSince', { age: formatAge(lang, wallNow - connection.downSince) })}</small>
          )}
        </div>
      )}
      {!down && !refused && stale.length > 0 && (
        <div className="banner banner-stale" data-testid="stale-banner" role="status">
          {t('wall.staleBanner', {
            n: stale.length,
            names:
              stale
                .slice(0, 3)
                .map((l) => l.name)
                .join(' · ') + (stale.length > 3 ? ` ${t('wall.andMore', { n: stale.length - 3 })}` : ''),
          })}
        </div>
      )}
      <header className="gwall-header panel" data-testid="group-header">
        <div className="gwall-title" data-testid="group-name">
          {group.name}
          <span className="gwall-count">
            {t('wall.liveCount', { n: view.totals.live, total: tiles.length })}
          </span>
        </div>
        <div
          className={`freshness level-${down ? 'critical' : stale.length ? 'warning' : 'ok'}`}
          data-testid="freshness"
        >
          <IconDot filled />{' '}
          {paused ? t('clockPaused') : down ? t('disconnected') : stale.length ? t('stale') : t('live')}
          {' · '}
          {lastAt > 0
            ? t('lastData', { age: formatAge(lang, Math.max(0, latestNow(model) - lastAt)) })
            : t('noDataYet')}
        </div>
        <div className="local-time num" data-testid="local-time">
          {formatClock(clockMs, zone)}
          <small>{zoneName(lang, zone)}</small>
        </div>
        <LangSwitch />
      </header>
      <section className="gwall-totals" data-testid="group-totals">
        <Total
          label={t('wall.totalGmv')}
          testId="total-gmv"
          value={formatMoney(lang, view.totals.gmv)}
          raw={view.totals.gmv}
          big
        >
          {t('wall.ofTarget', { target: formatMoney(lang, view.totals.targetGmv) })}
        </Total>
        <Total
          label={t('kpiTarget')}
          testId="total-completion"
          value={view.totals.completion === null ? '—' : formatPercent(lang, view.totals.completion)}
        >
          {view.totals.forecastGmvSoFar > 0
            ? t('wall.vsForecast', {
                pct: formatPercent(lang, view.totals.gmv / view.totals.forecastGmvSoFar - 1),
              })
            : t('wall.noForecastYet')}
        </Total>
        <Total
          label={t('kpiUnits')}
          testId="total-units"
          value={view.totals.units.toLocaleString()}
          raw={view.totals.units}
        >
          {view.totals.remaining === null
            ? ''
            : t('remaining', { n: view.totals.remaining.toLocaleString() })}
        </Total>
        <Total
          label={t('wall.soldOutLabel')}
          testId="total-soldout"
          value={`${view.totals.soldOut}/${tiles.length}`}
        >
          {t('wall.launches')}
        </Total>
        <Total
          label={t('wall.unacked')}
          testId="total-unacked"
          value={String(view.totals.unacknowledged)}
          level={
            view.totals.unacknowledgedCritical ? 'critical' : view.totals.unacknowledged ? 'warning' : 'ok'
          }
        >
          {t('wall.openIncidents', { n: view.totals.openIncidents })}
        </Total>
      </section>
      <section className="gwall-middle">
        <CombinedChart curve={curve} nowMs={latestNow(model)} zone={zone} />
        <FeaturedIncident incident={featured} states={model.states} wallNow={wallNow} />
      </section>
      <section
        className={`gwall-tiles${dense ? ' dense' : ''}`}
        data-testid="group-tiles"
        style={{
          gridTemplateRows: `repeat(${Math.max(1, Math.ceil(shown.length / (dense ? 4 : 3)))}, minmax(0, 1fr))`,
        }}
      >
        {shown.map((l) => (
          <LaunchTile key={l.id} tile={l} state={model.states.get(l.id)} compact={dense} />
        ))}
      </section>
      <footer className="gwall-footer" data-testid="group-pages" data-page={pg.page} data-pages={pg.pages}>
        {pg.pages > 1 && (
          <>
            <span className="pager-dots">
              {Array.from({ length: pg.pages }, (_, i) => (
                <span key={i} className={`pager-dot${i === pg.page ? ' on' : ''}`} />
              ))}
            </span>
            <span className="num" data-testid="page-countdown" data-left={pg.left ?? ''}>
              {t('wall.page', { page: pg.page + 1, pages: pg.pages, left: pg.left ?? 0 })}
            </span>
          </>
        )}
        {pg.pages === 1 && <span>{t('wall.order')}</span>}
        <span className="gwall-started">{t('wall.openedFor', { d: formatDuration(wallNow - opened) })}</span>
      </footer>
    </div>
  );
}

/** The latest launch-clock time among the group's launches (the wall's "now" on real time). */
function latestNow(model: { view: { launches: readonly GroupLaunch[] } }): number {
  return Math.max(0, ...model.view.launches.map((l) => Date.parse(l.now)));
}

function Total({
  label,
  value,
  children,
  testId,
  big,
  level,
  raw,
}: {
  raw?: number;
  label: string;
  value: string;
  children?: React.ReactNode;
  testId: string;
  big?: boolean;
  level?: 'ok' | 'warning' | 'critical';
}) {
  return (
    <div className={`gwall-total panel${big ? ' big' : ''}`} data-testid={testId}>
      <div className="label">{label}</div>
      <div
        className={`value num${level ? ` level-${level}` : ''}`}
        data-testid={`${testId}-value`}
        data-value={raw}
      >
        {value}
      </div>
      <div className="sub">{children}</div>
    </div>
  );
}
