/**
 * Where the new launch's forecast comes from: the template drawn from the targets (default), a
 * per-minute CSV, or a past launch's actual curve scaled to the targets (根据以往数据). The curve is
 * fetched and shown in the preview before the launch is saved.
 */
import { useEffect, useRef, useState } from 'react';
import type { ForecastCurve, ForecastPoint, LaunchSummary, Targets } from '@warroom/shared';
import { api, apiError, request, requestHeaders } from '../api';
import { useT } from '../hooks';

type Source = 'template' | 'csv' | 'past';

interface Props {
  startAt: string;
  timezone: string;
  durationMinutes: number | null;
  targets: Targets | null;
  onCurve(points: ForecastPoint[] | null): void;
}

const withSeconds = (s: string) => (s.length === 16 ? `${s}:00` : s);

async function curveFromCsv(file: File, p: Props): Promise<ForecastCurve> {
  const q = new URLSearchParams({ startAt: withSeconds(p.startAt), timezone: p.timezone });
  if (p.durationMinutes) q.set('durationMinutes', String(p.durationMinutes));
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch(`/api/forecast/import?${q.toString()}`, {
    method: 'POST',
    headers: requestHeaders(),
    body: form,
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) throw apiError(res, json);
  return json as ForecastCurve;
}

export function ForecastSource(props: Props) {
  const t = useT();
  const { onCurve } = props;
  const [source, setSource] = useState<Source>('template');
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  const [pastId, setPastId] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.launches().then(
      (l) => {
        const withData = l.filter((x) => x.readings > 0).sort((a, b) => b.startAt.localeCompare(a.startAt));
        setLaunches(withData);
        setPastId((id) => id || withData[0]?.id || '');
      },
      () => undefined,
    );
  }, []);

  const loaded = (c: ForecastCurve) => {
    onCurve(c.forecast);
    setStatus({ ok: true, text: t('fcLoaded', { n: c.forecast.length }) });
  };
  const failed = (e: unknown) => {
    onCurve(null);
    setStatus({ ok: false, text: t('error', { msg: (e as Error).message }) });
  };
  const choose = (next: Source) => {
    setSource(next);
    setStatus(null);
    if (next === 'template') onCurve(null);
  };
  const fromPast = () => {
    if (!pastId || !props.targets) return;
    request<ForecastCurve>('POST', '/api/forecast/from-launch', {
      launchId: pastId,
      targets: props.targets,
      startAt: withSeconds(props.startAt),
      ...(props.durationMinutes ? { durationMinutes: props.durationMinutes } : {}),
    }).then(loaded, failed);
  };

  return (
    <section className="fc-source" data-testid="forecast-source">
      <h2>{t('fcSource')}</h2>
      <div className="fc-choices" role="radiogroup">
        {(['template', 'csv', 'past'] as const).map((s) => (
          <label key={s}>
            <input
              type="radio"
              name="fc-source"
              data-testid={`fc-${s}`}
              checked={source === s}
              onChange={() => choose(s)}
            />
            {t(s === 'template' ? 'fcTemplate' : s === 'csv' ? 'fcCsv' : 'fcPast')}
          </label>
        ))}
      </div>
      {source === 'csv' && (
        <div className="fc-past">
          <button type="button" className="btn" onClick={() => fileInput.current?.click()}>
            {t('chooseFile')}
          </button>
          <span className="muted">{fileName ?? t('fcCsvHint')}</span>
          <input
            ref={fileInput}
            type="file"
            hidden
            accept=".csv,.tsv,.txt,text/csv"
            data-testid="fc-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              setFileName(file.name);
              curveFromCsv(file, props).then(loaded, failed);
            }}
          />
        </div>
      )}
      {source === 'past' && (
        <div className="fc-past">
          <select data-testid="fc-past-launch" value={pastId} onChange={(e) => setPastId(e.target.value)}>
            {launches.length === 0 && <option value="">{t('noLaunches')}</option>}
            {launches.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} · {l.startAt.slice(0, 10)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            data-testid="fc-past-load"
            disabled={!pastId || !props.targets}
            onClick={fromPast}
          >
            {t('fcUseCurve')}
          </button>
        </div>
      )}
      {status && (
        <p className={status.ok ? 'level-ok' : 'level-critical'} data-testid="fc-status">
          {status.text}
        </p>
      )}
    </section>
  );
}
