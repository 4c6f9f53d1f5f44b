/** The review's 流量来源 section: visitors by channel against plan, spend against budget, ROI, and the budget alerts. */
import { CHANNEL_LABELS, type ReviewChannels } from '@warroom/shared';
import { useLang, useT } from '../hooks';
import { formatCount, formatMoney, formatPercent, formatSigned } from '../format';
import { budgetLine } from '../budgetText';

export function ChannelSection({ channels }: { channels: ReviewChannels }) {
  const t = useT();
  const lang = useLang();
  const pct = (v: number | null) => (v === null ? '—' : formatPercent(lang, v, 1));
  const roi = (v: number | null) => (v === null ? '—' : formatCount(lang, v, 2));
  const { total } = channels;
  return (
    <section className="review-channels" data-testid="review-channels">
      <h2>{t('channel.strip')}</h2>
      <table className="review-table">
        <thead>
          <tr>
            <th>{t('export.channel')}</th>
            <th>{t('channel.uv')}</th>
            <th>{t('export.planUv')}</th>
            <th>{t('deviationCol')}</th>
            <th>{t('channel.spend')}</th>
            <th>{t('channel.budget')}</th>
            <th>{t('export.budgetUsed')}</th>
            <th>{t('channel.roi')}</th>
          </tr>
        </thead>
        <tbody>
          {channels.rows.map((r) => (
            <tr key={r.channel} data-testid={`review-channel-${r.channel}`}>
              <td>{CHANNEL_LABELS[r.channel][lang]}</td>
              <td className="num">{formatCount(lang, r.uv)}</td>
              <td className="num">{r.planUv === null ? '—' : formatCount(lang, r.planUv)}</td>
              <td className="num">{r.uvDeviation === null ? '—' : formatSigned(lang, r.uvDeviation)}</td>
              <td className="num">{formatMoney(lang, r.spend)}</td>
              <td className="num">{r.budget === null ? '—' : formatMoney(lang, r.budget)}</td>
              <td className={`num${r.budgetUsed !== null && r.budgetUsed > 1 ? ' level-critical' : ''}`}>
                {pct(r.budgetUsed)}
              </td>
              <td className="num">{roi(r.roi)}</td>
            </tr>
          ))}
          <tr data-testid="review-channel-total">
            <td>{t('channel.total')}</td>
            <td />
            <td />
            <td />
            <td className="num">{formatMoney(lang, total.spend)}</td>
            <td className="num">{total.budget === null ? '—' : formatMoney(lang, total.budget)}</td>
            <td
              className={`num${total.budgetUsed !== null && total.budgetUsed > 1 ? ' level-critical' : ''}`}
            >
              {pct(total.budgetUsed)}
            </td>
            <td className="num">
              {roi(total.roi)} · {t('channel.activityRoi')} {roi(total.activityRoi)}
            </td>
          </tr>
        </tbody>
      </table>
      {channels.budgetAlerts.length > 0 && (
        <ul className="review-budget-alerts" data-testid="review-budget-alerts">
          {channels.budgetAlerts.map((a) => (
            <li key={`${a.scope}-${a.crossing}`}>
              {budgetLine(lang, { kind: 'budget', budget: a })}
              {a.ackedBy ? ` · ${a.ackedBy}` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
