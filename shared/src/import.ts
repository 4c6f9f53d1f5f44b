/**
 * CSV imports and exports: the options a planner gives, the report an import answers with (also
 * streamed as NDJSON progress lines), and the forecast builders' inputs and results.
 */
import { z } from 'zod';
import { issueError, issueMessage } from './i18n';
import { ForecastPoint, DateTimeText, MAX_DURATION_MINUTES, Targets } from './launch';
import { BASE_METRICS, Metric } from './metrics';
import { CHANNELS, CHANNEL_FIELDS } from './channels';
import { isValidTimezone } from './time';

/** Encodings an import reads; `gbk` is read as GB18030, its superset. */
export const IMPORT_ENCODINGS = ['utf8', 'gb18030', 'gbk', 'utf16le'] as const;
export const ImportEncoding = z.enum(IMPORT_ENCODINGS);
export type ImportEncoding = z.infer<typeof ImportEncoding>;

export const IMPORT_DELIMITERS = [',', '\t', ';'] as const;
export const ImportDelimiter = z.enum(IMPORT_DELIMITERS);
export type ImportDelimiter = z.infer<typeof ImportDelimiter>;

/**
 * What a column holds: a metric (per-minute increments; the seven a reading always has, or an order
 * measure: placedOrders 下单买家数, placedGmv 下单金额, newBuyers 新买家数), `cumulative:<metric>`
 * (running totals, turned into increments), `time` (a date-time, or a time of day on the launch's
 * date), `minute` (integer offset from 开团), `channel:<channel>:<field>` (a channel's visitors,
 * buyers, GMV or spend: 直通车访客数, ztc.spend), `source` (a 流量来源 export's channel column, one
 * row per channel per minute) with `source:<field>` (that row's figures), or `ignore`.
 */
export const MAPPING_TARGETS = [
  ...BASE_METRICS,
  ...BASE_METRICS.map((m) => `cumulative:${m}` as const),
  ...CHANNELS.flatMap((c) => CHANNEL_FIELDS.map((f) => `channel:${c}:${f}` as const)),
  'source',
  ...CHANNEL_FIELDS.map((f) => `source:${f}` as const),
  'time',
  'minute',
  'ignore',
] as const;
export const MappingTarget = z.enum(MAPPING_TARGETS);
export type MappingTarget = z.infer<typeof MappingTarget>;

/** Explicit column → target, by header text; wins over the built-in header dictionary. */
export const ColumnMapping = z.record(z.string().min(1).max(200), MappingTarget);
export type ColumnMapping = z.infer<typeof ColumnMapping>;

export const ImportOptions = z.strictObject({
  /** Detected when absent: a BOM, else strict UTF-8, else GB18030. */
  encoding: ImportEncoding.optional(),
  mapping: ColumnMapping.optional(),
  /** Every metric column holds running totals (as if each were named 累计…). */
  cumulative: z.boolean().optional(),
  /** Report what would happen; write nothing. */
  dryRun: z.boolean().optional(),
  /** Detected from the header line when absent. */
  delimiter: ImportDelimiter.optional(),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

const BoolText = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((s) => s === 'true' || s === '1')
  .or(z.boolean());

const MappingEntries = z.array(z.tuple([z.string().min(1).max(200), MappingTarget]));

/** `mapping` travels in the query string as JSON. */
const MappingText = z.string().transform((s, ctx) => {
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: issueMessage('v.mappingJson') });
    return z.NEVER;
  }
  // Checked as entries: z.record drops a "__proto__" key without a word, and a column may be named so.
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const r = MappingEntries.safeParse(isObject ? Object.entries(value as object) : null);
  if (!r.success) {
    ctx.addIssue({
      code: 'custom',
      message: issueMessage('v.mappingTargets', { targets: MAPPING_TARGETS.join(', ') }),
    });
    return z.NEVER;
  }
  // fromEntries defines own properties, so "__proto__" stays a key rather than setting a prototype.
  return Object.fromEntries(r.data) as ColumnMapping;
});

const DelimiterText = z
  .enum([',', '\t', ';', 'comma', 'tab', 'semicolon'])
  .transform((d) => (d === 'comma' ? ',' : d === 'tab' ? '\t' : d === 'semicolon' ? ';' : d));

/** POST /api/launches/:id/imports query: the options plus `progress` (NDJSON progress lines). */
export const ImportQuery = z.object({
  dryRun: BoolText.optional(),
  encoding: ImportEncoding.optional(),
  cumulative: BoolText.optional(),
  mapping: MappingText.optional(),
  delimiter: DelimiterText.optional(),
  progress: BoolText.optional(),
});
export type ImportQuery = z.infer<typeof ImportQuery>;

/** One problem with one line of the file; `line` as a spreadsheet numbers it (header = 1). */
export const ImportProblem = z.object({
  line: z.number().int(),
  column: z.string().optional(),
  message: z.string(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const IgnoredColumn = z.object({ column: z.string(), reason: z.string() });
export type IgnoredColumn = z.infer<typeof IgnoredColumn>;

/** At most this many problems are listed; `rejectedRows` still counts every rejected row. */
export const MAX_REPORTED_PROBLEMS = 1000;

export const ImportReport = z.object({
  dryRun: z.boolean(),
  encoding: ImportEncoding,
  delimiter: ImportDelimiter,
  /** Data rows read (the header and blank lines are not rows). */
  rowsRead: z.number().int(),
  /** Readings new or changed by this import. rowsRead = accepted + duplicates + rejectedRows. */
  accepted: z.number().int(),
  /** Rows identical to what is already stored (a re-import adds nothing). */
  duplicates: z.number().int(),
  rejectedRows: z.number().int(),
  /** Why rows were rejected, by line (a row may have several problems); capped. */
  rejected: z.array(ImportProblem),
  rejectedTruncated: z.boolean(),
  /** header text → what it was read as */
  mapping: z.record(z.string(), MappingTarget),
  ignoredColumns: z.array(IgnoredColumn),
  cumulativeColumns: z.array(z.string()),
  /** Minutes the accepted and duplicate rows cover. */
  firstMinute: z.number().int().nullable(),
  lastMinute: z.number().int().nullable(),
  /** Every accepted row up to this line is stored (null: nothing stored, or a dry run). */
  storedThroughLine: z.number().int().nullable(),
  checkpointsEvaluated: z.number().int(),
  alertsRaised: z.number().int(),
  alertsUpdated: z.number().int(),
  warnings: z.array(z.string()),
});
export type ImportReport = z.infer<typeof ImportReport>;

/** An NDJSON line while an import runs (`?progress=true`). */
export const ImportProgress = z.object({
  type: z.literal('progress'),
  bytesRead: z.number().int(),
  /** From Content-Length when the client sent one (for multipart: the whole request). */
  totalBytes: z.number().int().nullable(),
  rowsRead: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejectedRows: z.number().int(),
  storedThroughLine: z.number().int().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/**
 * The NDJSON stream of `?progress=true`: progress lines, then exactly one `report` or `error` line.
 * The HTTP status is 200 once streaming starts, so a failure after that is told by the last line.
 */
export const ImportStreamLine = z.discriminatedUnion('type', [
  ImportProgress,
  z.object({ type: z.literal('report'), report: ImportReport }),
  z.object({
    type: z.literal('error'),
    status: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }),
    report: ImportReport.optional(),
  }),
]);
export type ImportStreamLine = z.infer<typeof ImportStreamLine>;

/** POST /api/forecast/import query. Times need `startAt`; minute offsets do not. */
export const ForecastImportQuery = z.object({
  encoding: ImportEncoding.optional(),
  cumulative: BoolText.optional(),
  mapping: MappingText.optional(),
  delimiter: DelimiterText.optional(),
  startAt: DateTimeText.optional(),
  timezone: z.string().max(64).refine(isValidTimezone, issueError('v.ianaZone')).optional(),
  durationMinutes: z.coerce.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
});
export type ForecastImportQuery = z.infer<typeof ForecastImportQuery>;

/** A forecast curve shown before it is saved: one full point per minute, ready for `forecast`. */
export const ForecastCurve = z.object({
  forecast: z.array(ForecastPoint),
  totals: z.record(Metric, z.number()),
});
export type ForecastCurve = z.infer<typeof ForecastCurve>;

export const ForecastImportResult = ForecastCurve.extend({ report: ImportReport });
export type ForecastImportResult = z.infer<typeof ForecastImportResult>;

/** POST /api/forecast/from-launch: a past launch's actual curve scaled to new targets. */
export const ForecastFromLaunchInput = z.strictObject({
  launchId: z.string().min(1).max(100),
  targets: Targets,
  startAt: DateTimeText.optional(),
  durationMinutes: z.number().int().min(1).max(MAX_DURATION_MINUTES).optional(),
});
export type ForecastFromLaunchInput = z.infer<typeof ForecastFromLaunchInput>;

export const ForecastFromLaunchResult = ForecastCurve.extend({
  launchId: z.string(),
  startAt: z.string().nullable(),
  durationMinutes: z.number().int(),
  /** Multipliers applied to the past launch's minutes, per target metric. */
  scale: z.object({ uv: z.number(), units: z.number(), gmv: z.number() }),
});
export type ForecastFromLaunchResult = z.infer<typeof ForecastFromLaunchResult>;

export const ExportQuery = z.object({
  what: z.enum(['readings', 'forecast']).default('readings'),
  headers: z.enum(['zh', 'en']).default('zh'),
});
export type ExportQuery = z.infer<typeof ExportQuery>;
