/**
 * CSV imports and exports, and the forecast builders. Routes translate HTTP to the import module
 * and the engine, nothing more.
 *
 * POST /api/launches/:id/imports takes the CSV as a multipart file or as the raw body (text/csv),
 * streams it through the importer and answers with the report. With `?progress=true` it answers
 * with NDJSON instead: progress lines while it works, then one `report` (or `error`) line — the one
 * mechanism both the admin page (fetch + a stream reader) and the CLI can show as a bar.
 */
import { PassThrough, Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  DEFAULT_TIMEZONE,
  ExportQuery,
  ForecastFromLaunchInput,
  ForecastFromLaunchResult,
  ForecastImportQuery,
  ForecastImportResult,
  ImportQuery,
  ImportReport,
  ImportStreamLine,
  parseDateTime,
} from '@warroom/shared';
import { z } from 'zod';
import { actorOf } from '../accounts/policy';
import { HttpError, notFound, parseInput } from '../http-errors';
import {
  CurveError,
  ImportFileError,
  ImportStorageError,
  curveFromLaunch,
  dryRunTarget,
  importForecast,
  importReadings,
  minutesCsv,
  openCsv,
  planColumns,
  runtimeTarget,
} from '../import/index';
import { binary, errorResponse } from '../plugins/openapi';

export const DEFAULT_IMPORT_MAX_BYTES = 100 * 1024 * 1024;
/** Room for the multipart boundaries and part headers around the file. */
const MULTIPART_SLACK = 64 * 1024;
/** How long the rest of a refused upload is read and discarded before the connection is cut. */
const DRAIN_MS = 30_000;

export interface ImportRoutesOptions {
  /** Largest CSV accepted; default WARROOM_IMPORT_MAX_BYTES or 100 MiB. */
  maxBytes?: number;
  /** Rows per engine call and durable write; default WARROOM_IMPORT_BATCH_ROWS or 5000. */
  batchRows?: number;
}

const IdParams = z.object({ id: z.string().min(1).max(100) });
const RAW_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
];

const tags = ['imports'];
/** A CSV upload: the raw body, or a file field of a multipart form. */
const CsvUpload = {
  content: {
    'text/csv': { schema: binary('The CSV (UTF-8, GB18030 or UTF-16; per-minute or 累计)') },
    'multipart/form-data': { schema: z.object({ file: binary('The CSV file') }) },
  },
};
/** What the OpenAPI document says of each route (plugins/openapi.ts). */
const docs = {
  import: {
    summary: 'Import readings from a CSV (`?dryRun=true` previews)',
    description:
      'Answers with the import report; with `?progress=true`, NDJSON progress lines and then one ' +
      '`report` (or `error`) line. A storage failure says through which line rows are stored.',
    tags,
    params: IdParams,
    querystring: ImportQuery,
    body: CsvUpload,
    response: {
      200: {
        description: 'The import report, or NDJSON lines with `?progress=true`',
        content: {
          'application/json': { schema: ImportReport },
          'application/x-ndjson': { schema: ImportStreamLine.describe('One JSON line each') },
        },
      },
      413: errorResponse(413),
      503: errorResponse(503, 'Storage failed: `details.report` says through which line rows are stored'),
    },
  },
  export: {
    summary: 'Readings or the forecast as CSV',
    tags,
    params: IdParams,
    querystring: ExportQuery,
    response: { 200: { description: 'The CSV', content: { 'text/csv': { schema: binary('CSV (UTF-8)') } } } },
  },
  forecastImport: {
    summary: 'Build a forecast curve from a CSV (nothing is stored)',
    tags,
    querystring: ForecastImportQuery,
    body: CsvUpload,
    response: { 200: ForecastImportResult, 413: errorResponse(413) },
  },
  fromLaunch: {
    summary: "A past launch's actual curve scaled to new targets",
    tags,
    body: ForecastFromLaunchInput,
    response: { 200: ForecastFromLaunchResult },
  },
};

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

interface Upload {
  chunks: AsyncIterable<Buffer>;
  totalBytes: number | null;
  bytesRead: () => number;
  /** Reads and discards what is left of the upload, so the client gets to read the answer. */
  drain: () => void;
}

export const importRoutes: FastifyPluginAsync<ImportRoutesOptions> = async (app, opts) => {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const batchRows = opts.batchRows;
  const tooLarge = (size: string) =>
    new HttpError(413, 'payload_too_large', {
      key: 'http.importTooLarge',
      params: { limit: mib(maxBytes), size },
    });

  await app.register(multipart, { limits: { fileSize: maxBytes + 1, files: 1, fields: 20, parts: 25 } });
  // Raw CSV bodies reach the handler as a stream: the importer reads them as they arrive.
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser(RAW_TYPES, (_req, payload, done) => done(null, payload));

  /** A body that cannot be read as sent (a broken multipart form, a cut-off upload) is the sender's to fix. */
  const unreadable = (e: unknown) => {
    const status = (e as { statusCode?: unknown }).statusCode;
    // Ours, or the multipart plugin's own 4xx (a file over its size limit): kept as they are.
    if (e instanceof HttpError || (typeof status === 'number' && status >= 400 && status < 500)) return e;
    return new HttpError(400, 'invalid_input', {
      key: 'http.uploadUnreadable',
      params: { detail: (e as Error).message },
    });
  };

  async function upload(req: FastifyRequest, reply: FastifyReply): Promise<Upload> {
    const length = Number(req.headers['content-length']);
    const totalBytes = Number.isFinite(length) && length >= 0 ? length : null;
    const multi = req.isMultipart();
    if (totalBytes !== null && totalBytes > maxBytes + (multi ? MULTIPART_SLACK : 0)) {
      reply.header('connection', 'close');
      throw tooLarge(mib(totalBytes));
    }
    let source: AsyncIterable<Buffer>;
    if (multi) {
      const part = await req.file().catch((e: unknown) => {
        throw unreadable(e);
      });
      if (!part) throw new HttpError(400, 'invalid_input', { key: 'http.csvFileField' });
      source = part.file;
    } else if (req.body instanceof Readable) {
      source = req.body;
    } else {
      throw new HttpError(415, 'unsupported_media_type', { key: 'http.csvMediaType' });
    }
    let bytes = 0;
    const it = source[Symbol.asyncIterator]();
    // Iterated by hand: leaving a `for await` would destroy the request, and the client, still
    // sending, would never read our answer. On any early stop the rest is drained instead.
    async function* counted(): AsyncGenerator<Buffer> {
      for (;;) {
        const r = await it.next().catch((e: unknown) => {
          throw unreadable(e);
        });
        if (r.done) return;
        bytes += r.value.length;
        if (bytes > maxBytes) throw tooLarge(`more than ${mib(maxBytes)} received`);
        yield r.value;
      }
    }
    let draining = false;
    const drain = () => {
      const stream = source as Readable;
      if (draining || stream.readableEnded || stream.destroyed) return;
      draining = true;
      // A client that keeps sending for too long is cut off.
      const cut = setTimeout(() => stream.destroy(), DRAIN_MS).unref();
      void (async () => {
        try {
          while (!(await it.next()).done);
        } catch {
          // The client went away: nothing left to drain.
        } finally {
          clearTimeout(cut);
        }
      })();
    };
    return { chunks: counted(), totalBytes, bytesRead: () => bytes, drain };
  }

  /** Problems with the file as a whole are the caller's to fix: 400 with the reason. */
  function asHttp(e: unknown): unknown {
    if (e instanceof ImportFileError) return new HttpError(400, 'invalid_input', e.message, e.details);
    return e;
  }

  function storageFailure(e: ImportStorageError) {
    const through = e.report.storedThroughLine;
    return {
      code: 'storage_unavailable' as const,
      message:
        (through === null
          ? 'the readings could not be stored, so nothing from this file was recorded'
          : `the readings could not all be stored: rows up to line ${through} are stored, nothing after them`) +
        '; import the same file again when storage is back (rows already stored count as duplicates)',
    };
  }

  app.post(
    '/api/launches/:id/imports',
    { config: { access: 'ingest' }, schema: docs.import },
    async (req, reply) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const query = parseInput(ImportQuery, req.query, 'query');
      const rt = app.launches.runtime(id);
      const up = await upload(req, reply);
      let file, plan;
      try {
        file = await openCsv(up.chunks, { encoding: query.encoding, delimiter: query.delimiter });
        plan = planColumns(file.header, { mapping: query.mapping, cumulative: query.cumulative });
      } catch (e) {
        up.drain();
        throw asHttp(e);
      }
      const dryRun = query.dryRun === true;
      const target = dryRun ? dryRunTarget(rt) : runtimeTarget(rt, app.launches);
      const run = { dryRun, bytesRead: up.bytesRead, totalBytes: up.totalBytes, batchRows };
      // Who imported what into which launch: a real import is an audited change (a preview is not).
      const audited = async (report: ImportReport): Promise<ImportReport> => {
        if (!dryRun)
          await app.launches.recordImport(id, actorOf(req.principal), {
            rowsRead: report.rowsRead,
            accepted: report.accepted,
            duplicates: report.duplicates,
            rejected: report.rejected.length,
          });
        return report;
      };

      if (query.progress !== true) {
        try {
          return await audited(await importReadings(file, plan, target, run));
        } catch (e) {
          if (e instanceof ImportStorageError) {
            req.log.error({ err: e.cause, launchId: id }, 'import could not be stored');
            return reply
              .status(503)
              .header('retry-after', '5')
              .send({ error: { ...storageFailure(e), details: { report: e.report } } });
          }
          throw asHttp(e);
        } finally {
          up.drain();
        }
      }

      const out = new PassThrough();
      const line = (l: ImportStreamLine) => out.write(JSON.stringify(l) + '\n');
      void (async () => {
        try {
          const report = await importReadings(file, plan, target, { ...run, onProgress: (p) => line(p) });
          line({ type: 'report', report: await audited(report) });
        } catch (e) {
          if (e instanceof ImportStorageError) {
            req.log.error({ err: e.cause, launchId: id }, 'import could not be stored');
            line({ type: 'error', status: 503, error: storageFailure(e), report: e.report });
          } else {
            const err = asHttp(e);
            if (err instanceof HttpError) {
              line({
                type: 'error',
                status: err.statusCode,
                error: { code: err.code, message: err.message },
              });
            } else {
              req.log.error({ err, launchId: id }, 'import failed');
              line({
                type: 'error',
                status: 500,
                error: { code: 'internal', message: 'something went wrong on our side' },
              });
            }
          }
        } finally {
          up.drain();
          out.end();
        }
      })();
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(out);
    },
  );

  app.get(
    '/api/launches/:id/export',
    { config: { access: 'read' }, schema: docs.export },
    async (req, reply) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const q = parseInput(ExportQuery, req.query, 'query');
      const rt = app.registry.get(id);
      if (!rt) throw notFound(`launch ${id}`);
      const { launch } = rt.state;
      const rows =
        q.what === 'readings'
          ? [...rt.state.readings.values()].sort((a, b) => a.minute - b.minute)
          : launch.forecast;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${launch.id}-${q.what}.csv"`)
        .send(Readable.from(minutesCsv(launch, rows, q.headers)));
    },
  );

  app.post(
    '/api/forecast/import',
    { config: { access: 'admin' }, schema: docs.forecastImport },
    async (req, reply) => {
      const q = parseInput(ForecastImportQuery, req.query, 'query');
      const up = await upload(req, reply);
      const timezone = q.timezone ?? DEFAULT_TIMEZONE;
      try {
        const file = await openCsv(up.chunks, { encoding: q.encoding, delimiter: q.delimiter });
        const plan = planColumns(file.header, { mapping: q.mapping, cumulative: q.cumulative });
        return await importForecast(file, plan, {
          startMs: q.startAt ? parseDateTime(q.startAt, timezone) : null,
          timezone,
          durationMinutes: q.durationMinutes,
        });
      } catch (e) {
        throw asHttp(e);
      } finally {
        up.drain();
      }
    },
  );

  app.post(
    '/api/forecast/from-launch',
    { config: { access: 'admin' }, schema: docs.fromLaunch },
    async (req) => {
      const input = parseInput(ForecastFromLaunchInput, req.body, 'forecast request');
      const rt = app.registry.get(input.launchId);
      if (!rt) throw notFound(`launch ${input.launchId}`);
      try {
        const curve = curveFromLaunch(rt.state, input.targets, input.durationMinutes);
        return { launchId: input.launchId, startAt: input.startAt ?? null, ...curve };
      } catch (e) {
        if (e instanceof CurveError) throw new HttpError(400, 'invalid_input', e.message);
        throw e;
      }
    },
  );
};
