import type { ReactNode } from 'react';
import { useLang, useT } from '../hooks';
import { kpisOf } from '../derive';
import { formatCount, formatMoney, formatPercent } from '../format';
import type { LaunchState } from '../store/launchFold';
import { Deviation } from './Deviation';

function Tile({ id, label, value, sub }: { id: string; label: string; value: ReactNode; sub: ReactNode }) {
  return (
    <div className="kpi panel" data-testid={`kpi-${id}`}>
      <div className="label">{label}</div>
      <div className="value num" data-testid={`kpi-${id}-value`}>
        {value}
      </div>
      <div className="sub">{sub}</div>
    </div>
  );
}

export function KpiTiles({ state }: { state: LaunchState }) {
  const t = useT();
  const lang = useLang();
  const k = kpisOf(state);
  const tol = state.launch.tolerance;
  const dash = '—';
  const forecastConversion = k.forecastSoFar.uv > 0 ? k.forecastSoFar.orders / k.forecastSoFar.uv : null;
  const forecastAov = k.forecastSoFar.orders > 0 ? k.forecastSoFar.gmv / k.forecastSoFar.orders : null;
  const relDev = (a: number | null, f: number | null) =>
    a === null || f === null || f === 0 ? null : a / f - 1;

  return (
    <section className="kpis" data-testid="kpis">
      <Tile
        id="gmv"
        label={t('kpiGmv')}
        value={formatMoney(lang, k.actual.gmv)}
        sub={<Deviation deviation={k.deviation.gmv} tolerance={tol} />}
      />
      <Tile
        id="units"
        label={t('kpiUnits')}
        value={formatCount(lang, k.actual.units)}
        sub={<Deviation deviation={k.deviation.units} tolerance={tol} />}
      />
      <Tile
        id="uv"
        label={t('kpiUv')}
        value={formatCount(lang, k.actual.uv)}
        sub={<Deviation deviation={k.deviation.uv} tolerance={tol} />}
      />
      <Tile
        id="conversion"
        label={t('kpiConversion')}
        value={k.conversion === null ? dash : formatPercent(lang, k.conversion, 2)}
        sub={<Deviation deviation={relDev(k.conversion, forecastConversion)} tolerance={tol} />}
      />
      <Tile
        id="aov"
        label={t('kpiAov')}
        value={k.aov === null ? dash : formatMoney(lang, k.aov)}
        sub={<Deviation deviation={relDev(k.aov, forecastAov)} tolerance={tol} />}
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
      <Tile
        id="sell-through"
        label={t('kpiSellThrough')}
        value={k.sellThrough === null ? dash : formatPercent(lang, k.sellThrough)}
        sub={k.remaining === null ? t('noStock') : t('remaining', { n: formatCount(lang, k.remaining) })}
      />
    </section>
  );
}
