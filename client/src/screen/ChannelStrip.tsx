/**
 * Where the traffic comes from and what it costs (流量来源): visitors by channel against the
 * channel plan, spend against budget and ROI, for launches with channel data. The figures are the
 * shared channel ledger's (the engine's and the review's); the colours are the engine's: the exact
 * ±tolerance rule for visitors, the budget alerts for spend.
 */
import { useMemo } from 'react';
import {
  type Alert,
  type BudgetScope,
  CHANNEL_LABELS,
  type ChannelFigures,
  channelLedger,
  hasChannelPlan,
} from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { levelOf, type Level } from '../derive';
import { formatCount, formatDeviation, formatMoney } from '../format';
import type { LaunchView } from '../store/launchFold';
import './channels.css';

/** The budget alert of a scope as the room should see it: crossed (critical), projected (warning). */
function budgetLevel(alerts: Iterable<Alert>, scope: BudgetScope): Level {
  let level: Level = 'ok';
  for (const a of alerts) {
    if (a.kind !== 'budget' || a.status === 'cleared' || a.budget?.scope !== scope) continue;
    if (a.severity === 'critical') return 'critical';
    level = 'warning';
  }
  return level;
}

/** The channel's visitors against its plan, in the engine's exact rule: 「▼40.0%」 coloured by severity. */
function UvDeviation({ f }: { f: ChannelFigures }) {
  const lang = useLang();
  const c = f.uvComparison;
  if (f.planUv === null || c.deviation === null) return null;
  const level = c.breach === 'under' ? levelOf(c.severity) : 'ok';
  return (
    <b className={`ch-dev num level-${level}`} data-level={level}>
      {Math.abs(c.deviation) < 0.0005 ? '＝' : c.deviation > 0 ? '▲' : '▼'}
      {formatDeviation(lang, c.deviation)}
    </b>
  );
}

function Uv({ f }: { f: ChannelFigures }) {
  const t = useT();
  const lang = useLang();
  return (
    <span className="ch-row">
      <span className="ch-k">{t('channel.uv')}</span>
      <b className="num">{formatCount(lang, f.uv)}</b>
      {f.planUv !== null && f.planUv > 0 && <small className="num">/{formatCount(lang, f.planUv)}</small>}
    </span>
  );
}

function Spend({
  spend,
  budget,
  roi,
  level,
}: {
  spend: number;
  budget: number | null;
  roi: number | null;
  level: Level;
}) {
  const t = useT();
  const lang = useLang();
  return (
    <span className="ch-row">
      {/* Spend is neutral until a budget alert says otherwise. */}
      <span
        className={`num${level === 'ok' ? '' : ` level-${level}`}`}
        data-level={level}
        data-testid="ch-spend"
      >
        {t('channel.spend')} {formatMoney(lang, spend)}
        {budget !== null && <small>/{formatMoney(lang, budget)}</small>}
      </span>
      <span className="ch-roi num">
        {t('channel.roi')} {roi === null ? '—' : formatCount(lang, roi, 2)}
      </span>
    </span>
  );
}

export function ChannelStrip({ state }: { state: LaunchView }) {
  const t = useT();
  const lang = useLang();
  const { launch, readings, alerts } = state;
  const ledger = useMemo(() => channelLedger(readings.values(), launch), [readings, launch]);
  const planned = hasChannelPlan(launch) || !!launch.budgets;
  // Only a launch with channel data (a breakdown read, or a channel plan or budget) has the strip.
  if (ledger.minutesWithChannels === 0 && !planned) return null;
  const total = ledger.total;
  const alertList = [...alerts.values()];
  return (
    <section className="strip panel channel-strip" data-testid="channel-strip">
      <span className="strip-title">{t('channel.strip')}</span>
      {ledger.channels.map((f) => {
        const level = budgetLevel(alertList, f.channel);
        return (
          <span key={f.channel} className="ch" data-testid={`channel-${f.channel}`}>
            <span className="ch-head">
              <span className="ch-name">{CHANNEL_LABELS[f.channel][lang]}</span>
              <UvDeviation f={f} />
            </span>
            <Uv f={f} />
            <Spend spend={f.spend} budget={f.budget} roi={f.roi} level={level} />
          </span>
        );
      })}
      <span className="ch ch-total" data-testid="channel-total">
        <span className="ch-head">
          <span className="ch-name">{t('channel.total')}</span>
        </span>
        <span className="ch-row">
          <span className="ch-k">{t('channel.activityRoi')}</span>
          <b className="num">{total.activityRoi === null ? '—' : formatCount(lang, total.activityRoi, 2)}</b>
        </span>
        <Spend
          spend={total.spend}
          budget={total.budget}
          roi={total.roi}
          level={budgetLevel(alertList, 'total')}
        />
      </span>
    </section>
  );
}
