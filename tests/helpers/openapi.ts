/**
 * Holds requests and answers to the OpenAPI document the server publishes: a recorder around
 * `app.inject`, and a check that a recorded exchange is what the document says — the operation
 * exists, a request the server accepted has the documented body and parameters, and the answer has
 * a documented status, content type and body (JSON schemas checked with ajv, JSON Schema 2020-12 as
 * OpenAPI 3.1 uses).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

// ajv-formats is CommonJS: its default export is the function under tsc's NodeNext-less resolution.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

interface Media {
  schema?: unknown;
}
interface Operation {
  'x-access'?: string;
  parameters?: { in: string; name: string; required?: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}

export interface Exchange {
  method: string;
  url: string;
  contentType: string | undefined;
  payload: unknown;
  status: number;
  responseType: string | undefined;
  body: string;
}

/** Makes `app.inject` record every request and its answer into `into`. */
export function recordExchanges<T extends FastifyInstance>(app: T, into: Exchange[]): T {
  const inject = app.inject.bind(app) as (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  (app as unknown as { inject: typeof inject }).inject = async (opts: InjectOptions) => {
    const res = await inject(opts);
    const headers = (opts.headers ?? {}) as Record<string, string | undefined>;
    const payload = opts.payload ?? opts.body;
    const json = typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload);
    into.push({
      method: (opts.method ?? 'GET').toUpperCase(),
      url: typeof opts.url === 'string' ? opts.url : (opts.url?.pathname ?? '/'),
      contentType: headers['content-type'] ?? (json ? 'application/json' : undefined),
      payload,
      status: res.statusCode,
      responseType: res.headers['content-type'] as string | undefined,
      body: res.body,
    });
    return res;
  };
  return app;
}

export class DocumentChecker {
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes: false }));
  private readonly coercing = addFormats(new Ajv2020({ strict: false, allErrors: true, coerceTypes: true }));
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { method: string; path: string; pattern: RegExp }[] = [];

  constructor(readonly doc: OpenApiDocument) {
    for (const ajv of [this.ajv, this.coercing])
      ajv.addSchema({ $id: 'openapi.json', components: doc.components });
    for (const [path, ops] of Object.entries(doc.paths))
      for (const method of Object.keys(ops)) {
        const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        this.templates.push({ method: method.toUpperCase(), path, pattern });
      }
    // Literal segments win over parameters.
    const params = (p: string) => p.split('{').length;
    this.templates.sort((a, b) => params(a.path) - params(b.path));
  }

  /** The documented operation for a request, if any. */
  operation(method: string, url: string): { path: string; op: Operation } | null {
    const path = new URL(url, 'http://x').pathname;
    const m = method === 'HEAD' ? 'GET' : method;
    const t = this.templates.find((x) => x.method === m && x.pattern.test(path));
    return t ? { path: t.path, op: this.doc.paths[t.path]![t.method.toLowerCase()]! } : null;
  }

  private validator(schema: unknown, coerce = false): ValidateFunction {
    // Refs inside a path's schemas are relative to the document, where the components live.
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/');
    const key = `${coerce}:${text}`;
    let v = this.compiled.get(key);
    if (!v) {
      v = (coerce ? this.coercing : this.ajv).compile(JSON.parse(text) as object);
      this.compiled.set(key, v);
    }
    return v;
  }

  private check(schema: unknown, value: unknown, what: string, coerce = false): string[] {
    const v = this.validator(schema, coerce);
    if (v(value)) return [];
    return [`${what}: ${this.ajv.errorsText(v.errors, { dataVar: what })}`];
  }

  /** Every way the exchange differs from the document (none: it is as documented). */
  problems(ex: Exchange): string[] {
    const where = `${ex.method} ${ex.url} → ${ex.status}`;
    const found = this.operation(ex.method, ex.url);
    // A request no route takes (an unknown path, an empty id) is answered in the one error shape.
    if (!found && ex.status >= 400)
      return this.check({ $ref: '#/components/schemas/ApiErrorBody' }, JSON.parse(ex.body), 'answer').map(
        (p) => `${where}: ${p}`,
      );
    if (!found) return [`${where}: no such operation in the document`];
    const { op } = found;
    const out: string[] = [];
    // Only a request the server took is held to the request schema: refusing bad ones is the point
    // of the contract tests that send them.
    if (ex.status < 300) {
      // Query values are text: checked as the documented types they must read as.
      // An empty value (`?after=`) is read by z.coerce as 0, which no JSON Schema of text can say.
      const query = Object.fromEntries(
        [...new URL(ex.url, 'http://x').searchParams].filter(([, v]) => v !== ''),
      );
      const properties = Object.fromEntries(
        (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema]),
      );
      if (Object.keys(query).length > 0)
        out.push(
          ...this.check({ type: 'object', properties, additionalProperties: false }, query, 'query', true),
        );
      const type = (ex.contentType ?? '').split(';')[0]!.trim();
      if (ex.payload !== undefined && type === 'application/json') {
        const media = op.requestBody?.content['application/json'];
        if (!media) out.push(`${where}: takes no JSON body`);
        else {
          const body = typeof ex.payload === 'string' ? (JSON.parse(ex.payload) as unknown) : ex.payload;
          out.push(...this.check(media.schema, body, 'request body'));
        }
      }
    }
    const response = op.responses[String(ex.status)] ?? op.responses[`${String(ex.status)[0]}XX`];
    if (!response) return [...out, `${where}: status ${ex.status} is not documented`];
    if (!response.content) {
      if (ex.body.length > 0)
        out.push(`${where}: documented without a body, answered ${ex.body.length} bytes`);
      return out;
    }
    const type = (ex.responseType ?? '').split(';')[0]!.trim();
    const media = response.content[type];
    if (!media) return [...out, `${where}: answered ${type}, documented ${Object.keys(response.content)}`];
    if (type === 'application/json') out.push(...this.check(media.schema, JSON.parse(ex.body), 'answer'));
    if (type === 'application/x-ndjson')
      for (const line of ex.body.split('\n').filter(Boolean))
        out.push(...this.check(media.schema, JSON.parse(line), 'answer line'));
    return out.map((p) => `${where}: ${p}`);
  }
}
