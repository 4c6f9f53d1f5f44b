/**
 * CSV import with a preview: choose a launch, drop a file, preview (a dry run: the same report,
 * nothing written), then import for real. A progress bar while it uploads and parses. Exports below.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { ImportEncoding, ImportReport, LaunchSummary } from '@warroom/shared';
import { api } from '../api';
import { useLang, useT } from '../hooks';
import { formatCount, formatPercent } from '../format';
import { ImportReportView } from './ImportReportView';
import { uploadImport, type ImportFailed, type ImportPhase } from './importUpload';
import { IconDownload, IconFile, IconUpload } from '../icons';

const ENCODINGS: { value: ImportEncoding | ''; label?: string }[] = [
  { value: '' },
  { value: 'utf8', label: 'UTF-8' },
  { value: 'gb18030', label: 'GB18030 / GBK' },
];

const kib = (n: number) =>
  n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;

function ProgressBar({ phase }: { phase: ImportPhase }) {
  const t = useT();
  const lang = useLang();
  let fraction: number;
  let label: string;
  if (phase.phase === 'uploading') {
    fraction = phase.fraction;
    label = t('uploading', { pct: formatPercent(lang, fraction, 0) });
  } else {
    const p = phase.progress;
    fraction = p.totalBytes ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
    label = `${t('importing', { pct: formatPercent(lang, fraction, 0) })} · ${t('rRowsRead')} ${formatCount(lang, p.rowsRead)}`;
  }
  return (
    <div className="import-progress" data-testid="import-progress">
      <div className="bar">
        <div className="fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <span className="num">{label}</span>
    </div>
  );
}

export function ImportPanel() {
  const t = useT();
  const [launches, setLaunches] = useState<LaunchSummary[]>([]);
  const [launchId, setLaunchId] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState<ImportEncoding | ''>('');
  const [cumulative, setCumulative] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<ImportPhase | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    api.launches().then(
      (l) => {
        const sorted = [...l].sort((a, b) => b.startAt.localeCompare(a.startAt));
        setLaunches(sorted);
        setLaunchId((id) => id || sorted[0]?.id || '');
      },
      () => undefined,
    );
  }, []);

  const choose = (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setReport(null);
    setError(null);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files[0]);
  };

  const run = async (dryRun: boolean) => {
    if (!file || !launchId) return;
    setError(null);
    setReport(null);
    setPhase({ phase: 'uploading', fraction: 0 });
    try {
      const r = await uploadImport(
        { launchId, file, dryRun, ...(encoding ? { encoding } : {}), cumulative },
        setPhase,
      );
      setReport(r);
    } catch (e) {
      const err = e as ImportFailed;
      setError(t('error', { msg: err.message }));
      if (err.report) setReport(err.report);
    } finally {
      setPhase(null);
    }
  };

  const busy = phase !== null;
  const exportHref = (what: 'readings' | 'forecast') =>
    `/api/launches/${encodeURIComponent(launchId)}/export?what=${what}`;

  return (
    <div className="import-panel" data-testid="import-panel">
      <section className="acct-section">
        <h2>{t('importTitle')}</h2>
        <div className="import-controls">
          <label className="field">
            <span>{t('importLaunch')}</span>
            <select
              data-testid="import-launch"
              value={launchId}
              onChange={(e) => {
                setLaunchId(e.target.value);
                setReport(null);
              }}
            >
              {launches.length === 0 && <option value="">{t('noLaunches')}</option>}
              {launches.map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name} · {l.startAt.slice(0, 16).replace('T', ' ')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('encoding')}</span>
            <select
              data-testid="import-encoding"
              value={encoding}
              onChange={(e) => setEncoding(e.target.value as ImportEncoding | '')}
            >
              {ENCODINGS.map((enc) => (
                <option key={enc.value} value={enc.value}>
                  {enc.label ?? t('encodingAuto')}
                </option>
              ))}
            </select>
          </label>
          <label className="check">
            <input
              type="checkbox"
              data-testid="import-cumulative"
              checked={cumulative}
              onChange={(e) => setCumulative(e.target.checked)}
            />
            {t('cumulativeOpt')}
          </label>
        </div>
        <div
          className={`dropzone${dragging ? ' dragging' : ''}${file ? ' has-file' : ''}`}
          data-testid="import-dropzone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          {file ? (
            <div className="file-chosen">
              <span className="file-icon">
                <IconFile />
              </span>
              <span className="file-name" data-testid="import-file-name">
                {file.name}
              </span>
              <span className="muted num">{kib(file.size)}</span>
            </div>
          ) : (
            <span className="drop-hint">
              <IconUpload />
            </span>
          )}
          <div>
            {t('dropHere')}{' '}
            <button type="button" className="linkish" onClick={() => input.current?.click()}>
              {t('chooseFile')}
            </button>
          </div>
          <input
            ref={input}
            type="file"
            accept=".csv,.tsv,.txt,text/csv"
            data-testid="import-file"
            hidden
            onChange={(e) => {
              choose(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </div>
        <div className="actions">
          <button
            type="button"
            className="btn"
            data-testid="import-preview"
            disabled={!file || !launchId || busy}
            onClick={() => void run(true)}
          >
            {t('preview')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            data-testid="import-run"
            disabled={!file || !launchId || busy}
            onClick={() => void run(false)}
          >
            {t('importNow')}
          </button>
          <span className="muted">{t('importHint')}</span>
        </div>
        {phase && <ProgressBar phase={phase} />}
        {error && (
          <p className="level-critical" data-testid="import-error">
            {error}
          </p>
        )}
        {report && <ImportReportView report={report} />}
      </section>
      <section className="acct-section export" data-testid="export-section">
        <h2>{t('exportTitle')}</h2>
        {launchId ? (
          <div className="actions">
            <a className="btn" href={exportHref('readings')} download data-testid="export-readings">
              <IconDownload /> {t('exportReadings')}
            </a>
            <a className="btn" href={exportHref('forecast')} download data-testid="export-forecast">
              <IconDownload /> {t('exportForecast')}
            </a>
          </div>
        ) : (
          <p className="muted">{t('selectLaunch')}</p>
        )}
      </section>
    </div>
  );
}
