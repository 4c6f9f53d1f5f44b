/**
 * What-if on the review page: the stored launch re-evaluated with another tolerance, other
 * checkpoints or other compared metrics, next to what really fired. Hypothetical: nothing is stored.
 */
import { useEffect, useMemo, useState } from 'react';
import {
  METRICS,
  COMPARED_METRICS,
  WhatIfInput,
  type Alert,
  type ComparedMetric,
  type ReviewAlertRow,
  type WhatIfResult,
} from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatDeviation, formatPercent } from '../format';
import { metricLabel, type Lang } from '../i18n';
import { IconWarning } from '../icons';

type Row = Pick<Alert, 'checkpoint' | 'metric' | 'direction' | 'deviation' | 'severity'>;

/** The server's key for a breach alert (replay/whatif.ts): checkpoint, metric, direction. */
const keyOf = (a: Pick<Row, 'checkpoint' | 'metric' | 'direction'>) =>
  `T+${a.checkpoint} ${a.metric ?? 'data-gap'} ${a.direction ?? ''}`.trim();

const fired = <A extends Row & { status: string }>(alerts: readonly A[]) => {
  const out = new Map<string, A>();
  for (const a of alerts) if (a.status !== 'cleared' && !out.has(keyOf(a))) out.set(keyOf(a), a);
  return out;
};

const dev = (lang: Lang, a: Row | undefined) =>
  !a || a.deviation === null ? '' : `${a.deviation >= 0 ? '▲' : '▼'}${formatDeviation(lang, a.deviation)}`;

interface Settings {
  tolerancePct: string;
  checkpoints: string;
  metrics: ComparedMetric[];
}

function toInput(s: Settings): { input: WhatIfInput | null; errors: Partial<Record<keyof Settings, true>> } {
  const errors: Partial<Record<keyof Settings, true>> = {};
  const tol = Number(s.tolerancePct);
  const parts = s.checkpoints.split(/[\s,，、]+/).filter(Boolean);
  const cps = parts.map(Number);
  const raw = { tolerance: tol / 100, checkpoints: cps, metrics: s.metrics };
  if (!s.tolerancePct.trim() || !Number.isFinite(tol)) errors.tolerancePct = true;
  if (parts.length === 0) errors.checkpoints = true;
  const r = WhatIfInput.safeParse(raw);
  if (!r.success)
    for (const issue of r.error.issues) {
      const f = issue.path[0];
      if (f === 'tolerance') errors.tolerancePct = true;
      if (f === 'checkpoints') errors.checkpoints = true;
      if (f === 'metrics') errors.metrics = true;
    }
  return { input: r.success && Object.keys(errors).length === 0 ? r.data : null, errors };
}

export function WhatIfPanel({ launchId, actual }: { launchId: string; actual: readonly ReviewAlertRow[] }) {
  const t = useT();
  const lang = useLang();
  const [base, setBase] = useState<WhatIfResult['settings'] | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [result, setResult] = useState<WhatIfResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fromBase = (b: WhatIfResult['settings']): Settings => ({
    tolerancePct: String(Math.round(b.tolerance * 1000) / 10),
    checkpoints: b.checkpoints.join(', '),
    metrics: [...b.metrics],
  });

  // The launch's own settings: a what-if with nothing changed reports them.
  useEffect(() => {
    api.whatIf(launchId, {}).then(
      (r) => {
        setBase(r.settings);
        setSettings(fromBase(r.settings));
      },
      (e: Error) => setError(e.message),
    );
  }, [launchId]);

  const parsed = useMemo(() => (settings ? toInput(settings) : null), [settings]);

  const run = () => {
    if (!parsed?.input) return;
    setBusy(true);
    setError(null);
    api.whatIf(launchId, parsed.input).then(
      (r) => {
        setResult(r);
        setBusy(false);
      },
      (e: Error) => {
        setError(e.message);
        setBusy(false);
      },
    );
  };

  const rows = useMemo(() => {
    if (!result) return [];
    const before = fired(actual);
    const after = fired(result.alerts);
    const added = new Set(result.added);
    const removed = new Set(result.removed);
    const keys = [...new Set([...before.keys(), ...after.keys()])];
    return keys
      .map((key) => {
        const real = before.get(key);
        const hypo = after.get(key);
        const any = (hypo ?? real)!;
        const change = added.has(key) ? 'added' : removed.has(key) ? 'removed' : 'same';
        return { key, real, hypo, any, change } as const;
      })
      .sort(
        (a, b) =>
          a.any.checkpoint - b.any.checkpoint ||
          COMPARED_METRICS.indexOf(a.any.metric ?? 'uv') - COMPARED_METRICS.indexOf(b.any.metric ?? 'uv'),
      );
  }, [result, actual]);

  if (!settings || !base)
    return (
      <section className="whatif" data-testid="what-if">
        <h2>{t('whatIfTitle')}</h2>
        <p className="muted">{error ? t('error', { msg: error }) : t('loading')}</p>
      </section>
    );

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setSettings({ ...settings, [k]: v });
  const errors = parsed?.errors ?? {};
  const counts = {
    added: rows.filter((r) => r.change === 'added').length,
    removed: rows.filter((r) => r.change === 'removed').length,
    same: rows.filter((r) => r.change === 'same' && r.hypo).length,
  };
  const metricName = (m: ComparedMetric | null) => (m ? metricLabel(lang, m) : t('dataGap'));

  return (
    <section className="whatif" data-testid="what-if">
      <div className="whatif-head">
        <h2>{t('whatIfTitle')}</h2>
        <span className="whatif-badge">{t('whatIfHypothetical')}</span>
      </div>
      <p className="muted whatif-hint">{t('whatIfHint')}</p>
      <form
        className="whatif-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label className={`field${errors.tolerancePct ? ' invalid' : ''}`}>
          <span>{t('whatIfTolerance')}</span>
          <input
            type="number"
            min={1}
            max={1000}
            step={1}
            data-testid="whatif-tolerance"
            value={settings.tolerancePct}
            onChange={(e) => set('tolerancePct', e.target.value)}
          />
          {errors.tolerancePct && <span className="field-error">{t('whatIfToleranceInvalid')}</span>}
        </label>
        <label className={`field wide${errors.checkpoints ? ' invalid' : ''}`}>
          <span>{t('whatIfCheckpoints')}</span>
          <input
            data-testid="whatif-checkpoints"
            value={settings.checkpoints}
            onChange={(e) => set('checkpoints', e.target.value)}
          />
          {errors.checkpoints && <span className="field-error">{t('whatIfCheckpointsInvalid')}</span>}
        </label>
        <div className={`field wide${errors.metrics ? ' invalid' : ''}`}>
          <span>{t('whatIfMetrics')}</span>
          <span className="metric-boxes" data-testid="whatif-metrics">
            {METRICS.map((m) => (
              <label key={m}>
                <input
                  type="checkbox"
                  checked={settings.metrics.includes(m)}
                  onChange={() =>
                    set(
                      'metrics',
                      settings.metrics.includes(m)
                        ? settings.metrics.filter((x) => x !== m)
                        : METRICS.filter((x) => x === m || settings.metrics.includes(x)),
                    )
                  }
                />
                {metricLabel(lang, m)}
              </label>
            ))}
          </span>
          {errors.metrics && <span className="field-error">{t('whatIfMetricsInvalid')}</span>}
        </div>
        <div className="whatif-actions">
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="whatif-run"
            disabled={busy || !parsed?.input}
          >
            {busy ? t('whatIfRunning') : t('whatIfRun')}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => {
              setSettings(fromBase(base));
              setResult(null);
            }}
          >
            {t('whatIfResetSettings')}
          </button>
          <span className="muted">
            {t('whatIfActualSettings', {
              tol: formatPercent(lang, base.tolerance, 0),
              cps: base.checkpoints.map((c) => `T+${c}`).join(' '),
            })}
          </span>
          {error && <span className="level-critical">{t('error', { msg: error })}</span>}
        </div>
      </form>
      {result && (
        <div className="whatif-result" data-testid="whatif-result">
          <p className="whatif-summary" data-testid="whatif-summary">
            {t('whatIfSummary', {
              tol: formatPercent(lang, result.settings.tolerance, 0),
              n: counts.added + counts.same,
              added: counts.added,
              removed: counts.removed,
              same: counts.same,
            })}
          </p>
          {rows.length === 0 ? (
            <p className="muted">{t('whatIfNone')}</p>
          ) : (
            <table className="review-table whatif-table">
              <thead>
                <tr>
                  <th>{t('checkpointCol')}</th>
                  <th>{t('metricCol')}</th>
                  <th>{t('whatIfFiredCol')}</th>
                  <th>{t('whatIfWouldCol')}</th>
                  <th>{t('whatIfChangeCol')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr
                    key={r.key}
                    className={`wi-${r.change}`}
                    data-testid="whatif-row"
                    data-key={r.key}
                    data-change={r.change}
                  >
                    <td className="num">T+{r.any.checkpoint}</td>
                    <td>
                      {metricName(r.any.metric)}
                      {r.any.direction && (
                        <span className="muted">
                          {' '}
                          {r.any.direction === 'over'
                            ? `▲ ${t('whatIfDirOver')}`
                            : `▼ ${t('whatIfDirUnder')}`}
                        </span>
                      )}
                    </td>
                    <td className={`num${r.real ? ` sev-${r.real.severity}` : ''}`}>
                      {r.real ? (
                        <>
                          <IconWarning /> {dev(lang, r.real)}
                        </>
                      ) : (
                        t('whatIfNotFired')
                      )}
                    </td>
                    <td className={`num${r.hypo ? ` sev-${r.hypo.severity}` : ''}`}>
                      {r.hypo ? (
                        <>
                          <IconWarning /> {dev(lang, r.hypo)}
                        </>
                      ) : (
                        t('whatIfNotFired')
                      )}
                    </td>
                    <td>
                      <span className={`wi-tag wi-tag-${r.change}`}>
                        {r.change === 'added'
                          ? `＋ ${t('whatIfAdded')}`
                          : r.change === 'removed'
                            ? `－ ${t('whatIfRemoved')}`
                            : t('whatIfSame')}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}
