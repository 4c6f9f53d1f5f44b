/**
 * CSV import and export. The rule of this folder: files in, engine inputs out — bytes are decoded,
 * parsed and checked here; readings reach a launch only through the engine (`ingest`) and the
 * launch's commit, like pushed readings. No Fastify here: routes/imports.ts translates HTTP.
 */
export { openCsv, type CsvFile } from './records';
export { planColumns, type ColumnPlan } from './columns';
export {
  importReadings,
  runtimeTarget,
  dryRunTarget,
  IMPORT_BATCH_ROWS,
  type ReadingsTarget,
} from './readings-import';
export { importForecast, curveFromLaunch, CurveError, apportion } from './forecast-build';
export { minutesCsv, EXPORT_HEADERS } from './export';
export { csvCell, BOM } from '../csv';
export { ImportFileError, ImportStorageError } from './errors';
