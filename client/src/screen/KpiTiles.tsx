import type { ReactNode } from 'react';
import { MINUTE_MS } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { engagementOf, kpisOf, levelOf, startMs, stockView, unpaidView, type Level } from '../derive';
import { formatClock, formatCount, formatMoney, formatPercent, formatSigned } from '../format';
import type { LaunchView } from '../store/launchFold';
import { Deviation } from './Deviation';

function Tile({
  id,
  label,
  value,
  sub,
  level,
  state,
}: {
  id: string;
  label: string;
  value: ReactNode;
  sub: ReactNode;
  level?: Level;
  state?: string;
}) {
  return (
    <div
      className={`kpi panel${level && level !== 'ok' ? ` kpi-${level}` : ''}`}
      data-testid={`kpi-${id}`}
      data-state={state}
    >
      <div className="label">{label}</div>
      <div className="value num" data-testid={`kpi-${id}-value`}>
        {value}
      </div>
      <div className="sub">{sub}</div>
    </div>
  );
}

export function KpiTiles({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const k = kpisOf(state);
  const dash = '—';

  return (
    <section className="kpis" data-testid="kpis">
      <Tile
        id="gmv"
        label={t('kpiGmv')}
        value={formatMoney(lang, k.actual.gmv)}
        sub={<Deviation comparison={k.deviation.gmv} />}
      />
      <Tile
        id="units"
        label={t('kpiUnits')}
        value={formatCount(lang, k.actual.units)}
        sub={<Deviation comparison={k.deviation.units} />}
      />
      <Tile
        id="uv"
        label={t('kpiUv')}
        value={formatCount(lang, k.actual.uv)}
        sub={<Deviation comparison={k.deviation.uv} />}
      />
      <Tile
        id="conversion"
        label={t('kpiConversion')}
        value={k.conversion === null ? dash : formatPercent(lang, k.conversion, 2)}
        sub={<Deviation comparison={k.deviation.conversion} />}
      />
      <Tile
        id="aov"
        label={t('kpiAov')}
        value={k.aov === null ? dash : formatMoney(lang, k.aov)}
        sub={<Deviation comparison={k.deviation.aov} />}
      />
      <Tile
        id="target"
        label={t('kpiTarget')}
        value={k.targetReached === null ? dash : formatPercent(lang, k.targetReached)}
        sub={
          state.launch.targets
            ? t('ofTarget', { v: formatMoney(lang, k.targetGmv) })
            : t('ofForecastTotal', { v: formatMoney(lang, k.targetGmv) })
        }
      />
      <EngagementTile state={state} metric="fav" />
      <EngagementTile state={state} metric="cart" />
      <UnpaidTile state={state} />
      <StockTile state={state} />
    </section>
  );
}

/** 收藏 or 加购 from the preheat on, against the plan of the same minutes. */
function EngagementTile({ state, metric }: { state: LaunchView; metric: 'fav' | 'cart' }) {
  const t = useT();
  const lang = useLang();
  const e = engagementOf(state, metric);
  return (
    <Tile
      id={metric}
      label={t(metric === 'fav' ? 'kpiFav' : 'kpiCart')}
      value={formatCount(lang, e.actual)}
      sub={
        <span
          className={`deviation level-${levelOf(e.comparison.severity)}`}
          data-testid={`kpi-${metric}-deviation`}
        >
          {e.preheat ? t('preheatVsPlan') : t('vsForecast')}{' '}
          <b>{e.comparison.deviation === null ? '—' : formatSigned(lang, e.comparison.deviation)}</b>
        </span>
      }
      state={e.preheat ? 'preheat' : 'launch'}
    />
  );
}

/** 待付款: orders placed inside the payment window and not paid, their amount and when they close. */
function UnpaidTile({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const u = unpaidView(state);
  const alerted = [...state.alerts.values()].some((a) => a.kind === 'unpaid' && a.status !== 'cleared');
  const expires = u?.expiresAtMinute ?? null;
  return (
    <Tile
      id="unpaid"
      label={
        u && u.orders > 0 ? t('kpiUnpaidAmount', { amount: formatMoney(lang, u.amount) }) : t('kpiUnpaid')
      }
      level={alerted ? 'warning' : 'ok'}
      state={u === null ? 'unknown' : alerted ? 'alert' : 'ok'}
      value={
        u === null ? (
          '—'
        ) : (
          <>
            {formatCount(lang, u.orders)}
            <span className="unit">{t('unitOrders')}</span>
          </>
        )
      }
      sub={
        u === null
          ? t('unpaidUnknown')
          : u.orders === 0 || expires === null
            ? t('unpaidNone', { closed: formatCount(lang, u.closedOrders) })
            : t('unpaidCloses', {
                time: formatClock(startMs(state) + expires * MINUTE_MS, state.launch.timezone, false),
              })
      }
    />
  );
}

/** Stock left, large; once gone, 售罄 at T+mm in its place. */
function StockTile({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const s = stockView(state);
  if (!s) return <Tile id="stock" label={t('kpiStock')} value="—" sub={t('noStock')} state="none" />;
  const zone = state.launch.timezone;
  if (s.soldOutMinute !== null) {
    // Sold out in minute m: the stock was gone by its end, T+(m + 1).
    const t1 = s.soldOutMinute + 1;
    return (
      <Tile
        id="stock"
        label={t('kpiStockSoldOut')}
        level="critical"
        state="sold-out"
        value={`T+${t1}`}
        sub={t('soldOutDetail', {
          time: formatClock(startMs(state) + t1 * MINUTE_MS, zone, false),
          n: formatCount(lang, s.sold),
        })}
      />
    );
  }
  const remaining = formatCount(lang, s.remaining);
  return (
    <Tile
      id="stock"
      label={t('kpiStock')}
      level={s.low ? 'warning' : 'ok'}
      state={s.low ? 'low' : 'ok'}
      value={remaining}
      sub={
        s.low && s.projectedSellOutMinute !== null
          ? t('stockLowTile', { t: s.projectedSellOutMinute + 1 })
          : t('stockLeft', { pct: formatPercent(lang, s.stock > 0 ? s.sold / s.stock : 0) })
      }
    />
  );
}
