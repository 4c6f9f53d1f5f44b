/** The setup form's state and its translation into LaunchInput (validated with shared's schema). */
import {
  DEFAULT_COMPARED_METRICS,
  DEFAULT_TIMEZONE,
  defaultCheckpoints,
  defaultPlaybook,
  formatIsoInZone,
  LaunchInput,
  safeParseIn,
  type ForecastPoint,
  type Lang,
  type Launch,
  type ComparedMetric,
  type PlaybookEntry,
} from '@warroom/shared';

export interface LaunchForm {
  name: string;
  /** ISO local text (YYYY-MM-DDTHH:mm[:ss], a space for the T also does), read in `timezone`. */
  startAt: string;
  timezone: string;
  duration: string;
  uv: string;
  units: string;
  gmv: string;
  stock: string;
  price: string;
  checkpoints: string;
  tolerancePct: string;
  metrics: ComparedMetric[];
  escalateAfter: string;
  grace: string;
  playbook: PlaybookEntry[];
  /** A curve from a CSV or a past launch; null: the template drawn from the targets. */
  forecastPoints: ForecastPoint[] | null;
  /**
   * Editing: the targets (uv/units/gmv text) the stored curve was loaded with. The curve is kept
   * while the targets stay so; once they change the template is drawn from the new ones.
   */
  keptCurveFor?: string | null;
}

const targetsKey = (f: Pick<LaunchForm, 'uv' | 'units' | 'gmv'>) => `${f.uv}|${f.units}|${f.gmv}`;

/** The curve the form will send: its own, or none (the template from the targets). */
export function curveOf(f: LaunchForm): ForecastPoint[] | null {
  if (!f.forecastPoints) return null;
  if (f.keptCurveFor != null && f.keptCurveFor !== targetsKey(f)) return null;
  return f.forecastPoints;
}

/** The form prefilled from a stored launch, for editing (times in the launch's zone). */
export function formFromLaunch(l: Launch): LaunchForm {
  const sum = (m: 'uv' | 'units' | 'gmv') => Math.round(l.forecast.reduce((s, p) => s + p[m], 0));
  const targets = l.targets ?? { uv: sum('uv'), units: sum('units'), gmv: sum('gmv') };
  const base = {
    uv: String(targets.uv),
    units: String(targets.units),
    gmv: String(targets.gmv),
  };
  return {
    name: l.name,
    // The stored startAt is already written in its zone: keep the seconds so an unchanged 开团 stays put.
    startAt: l.startAt.slice(0, 19),
    timezone: l.timezone,
    duration: String(l.durationMinutes),
    ...base,
    stock: l.stock === null ? '' : String(l.stock),
    price: l.price === null ? '' : String(l.price),
    checkpoints: l.checkpoints.join(', '),
    tolerancePct: String(Math.round(l.tolerance * 1e8) / 1e6),
    metrics: [...l.metrics],
    escalateAfter: String(l.escalateAfterSeconds),
    grace: String(l.graceSeconds),
    playbook: structuredClone(l.playbook),
    forecastPoints: l.forecast.map((p) => ({ ...p })),
    keptCurveFor: targetsKey(base),
  };
}

export function initialForm(nowMs: number): LaunchForm {
  const tomorrow10 = formatIsoInZone(nowMs + 24 * 3600_000, DEFAULT_TIMEZONE).slice(0, 10) + 'T10:00';
  return {
    name: '',
    startAt: tomorrow10,
    timezone: DEFAULT_TIMEZONE,
    duration: '180',
    uv: '30000',
    units: '2000',
    gmv: '198000',
    stock: '3000',
    price: '99',
    checkpoints: defaultCheckpoints(180).join(', '),
    tolerancePct: '20',
    metrics: [...DEFAULT_COMPARED_METRICS],
    escalateAfter: '300',
    grace: '60',
    playbook: defaultPlaybook(DEFAULT_COMPARED_METRICS),
    forecastPoints: null,
  };
}

/** Empty text is "not given"; anything else must be a number (NaN lets zod say so next to the field). */
function num(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

export function toLaunchInput(f: LaunchForm): unknown {
  const targets = { uv: num(f.uv), units: num(f.units), gmv: num(f.gmv) };
  const tol = num(f.tolerancePct);
  const checkpoints = f.checkpoints
    .split(/[,，\s]+/)
    .filter(Boolean)
    .map((s) => Number(s));
  return {
    name: f.name,
    // Typed with a space or a T; seconds optional (the planner writes 2026-03-12 10:00).
    startAt: ((s) => (s.length === 16 ? `${s}:00` : s))(f.startAt.trim().replace(' ', 'T')),
    timezone: f.timezone,
    durationMinutes: num(f.duration),
    targets,
    stock: num(f.stock),
    price: num(f.price),
    checkpoints: checkpoints.length ? checkpoints : undefined,
    tolerance: tol === undefined ? undefined : tol / 100,
    metrics: f.metrics,
    escalateAfterSeconds: num(f.escalateAfter),
    graceSeconds: num(f.grace),
    playbook: f.playbook,
    forecast: curveOf(f) ?? { template: targets },
  };
}

export type FieldErrors = Record<string, string>;

/** zod issues keyed by their path ("targets.uv", "playbook.2.owners.0.actions"), worded in `lang`. */
export function validate(f: LaunchForm, lang: Lang): { input: LaunchInput | null; errors: FieldErrors } {
  const r = safeParseIn(lang, LaunchInput, toLaunchInput(f));
  if (r.success) return { input: r.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    let key = issue.path.map(String).join('.');
    // The template forecast repeats the targets; show its problems there.
    if (key.startsWith('forecast.template.')) key = key.replace('forecast.template.', 'targets.');
    errors[key] ??= issue.message;
  }
  return { input: null, errors };
}

/** The first error at or under a path. */
export function errorAt(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const key = Object.keys(errors).find((k) => k.startsWith(`${path}.`));
  return key ? errors[key] : undefined;
}

/** Server-side issues ({path, message}[]) in the same shape. */
export function serverErrors(details: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!Array.isArray(details)) return out;
  for (const d of details as { path?: unknown; message?: unknown }[]) {
    const path = Array.isArray(d.path) ? d.path.map(String).join('.') : String(d.path ?? '');
    if (typeof d.message === 'string') out[path] ??= d.message;
  }
  return out;
}
