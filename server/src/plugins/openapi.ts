/**
 * The API described from the same zod schemas the routes parse with: OpenAPI 3.1 at
 * `GET /api/openapi.json` and a Swagger UI page at `/api/docs`, its assets served from this server
 * (no CDN; the control-room LAN may have no internet).
 *
 * Route schemas are documentation only. Every route keeps validating with `parseInput`, which
 * answers in the one error shape and in the caller's language, so Fastify's own validator and
 * serializer are replaced by ones that pass the data through unchanged (the output is what
 * `JSON.stringify` gave before). Each route's access level (`config.access`) becomes its security
 * requirement and an `x-access` field, and the errors every route can answer are added here in the
 * one error shape, so the route files name only what is particular to them.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifySchema, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import * as wire from '@warroom/shared';
import { ApiErrorBody } from '@warroom/shared';
import { z } from 'zod';
import type { Access } from '../accounts/policy';

export const OPENAPI_PATH = '/api/openapi.json';
export const DOCS_PREFIX = '/api/docs';

/** Who may call a route of each access level, as the document tells an integrator. */
export const ACCESS_TEXT: Record<Access, string> = {
  public: 'anyone, no credentials',
  read: 'any logged-in person, or a screen token',
  user: 'any logged-in person',
  supervisor: 'a logged-in supervisor or admin',
  ingest: 'an ingest token, or a logged-in admin',
  admin: 'a logged-in admin',
  metrics: 'a metrics token, or a logged-in admin',
};

const SESSION = { session: [] };
const BEARER = { bearer: [] };
const SECURITY: Record<Access, Record<string, string[]>[]> = {
  public: [],
  read: [SESSION, BEARER],
  user: [SESSION],
  supervisor: [SESSION],
  ingest: [SESSION, BEARER],
  admin: [SESSION],
  metrics: [SESSION, BEARER],
};

/**
 * zod keeps `.describe()` and `.meta()` in its global registry; the document's registry reads them
 * from there when it has nothing of its own for a schema.
 */
class WithGlobalMeta extends WeakMap<z.core.$ZodType, z.core.GlobalMeta> {
  override get(schema: z.core.$ZodType) {
    return super.get(schema) ?? z.globalRegistry._map.get(schema);
  }
  override has(schema: z.core.$ZodType) {
    return super.has(schema) || z.globalRegistry._map.has(schema);
  }
}

/** The wire types that appear as named components (`#/components/schemas/…`), not inlined. */
const components = z.registry<z.core.GlobalMeta>();
components._map = new WithGlobalMeta();
const COMPONENTS = [
  'Alert',
  'ApiErrorBody',
  'AuditEntry',
  'CheckpointResult',
  'ForecastPoint',
  'IngestReport',
  'ImportReport',
  'Launch',
  'LaunchEvent',
  'LaunchReview',
  'LaunchSnapshot',
  'LaunchSummary',
  'PlaybookEntry',
  'Principal',
  'Reading',
  'ReplayInfo',
  'RunSheetTask',
  'TokenInfo',
  'User',
] as const;
for (const id of COMPONENTS) components.add(wire[id], { id });

const ERROR_TEXT: Record<number, string> = {
  400: 'The input is invalid; the message names each field (in the Accept-Language asked for).',
  401: 'No credentials, or a bearer token that is unknown or revoked.',
  403: 'These credentials may not do this.',
  404: 'No such resource.',
  409: 'Refused in the current state.',
  413: 'The body is too large.',
  415: 'The body is not sent as the route takes it.',
  429: 'Too many requests; Retry-After says when to try again.',
  500: 'Something went wrong on our side; nothing is leaked.',
  503: 'Storage is unavailable; nothing was stored. Retry after Retry-After seconds.',
};

/** A response in the one error shape, described for `status`. */
export const errorResponse = (status: number, description = ERROR_TEXT[status] ?? 'An error.') => ({
  description,
  content: { 'application/json': { schema: ApiErrorBody } },
});

/** A response with no body. */
export const noContent = z.null().describe('No content');

/** A body that is not JSON: the description says what it is. */
export const binary = (description: string) => z.string().meta({ format: 'binary', description });

/** A 200 that is JSON, or the same as a CSV or Excel download (`?format=`). */
export const downloadable = (json: z.ZodType, what: string) => ({
  description: 'The review as `format` asks',
  content: {
    'application/json': { schema: json },
    'text/csv': { schema: binary(`${what} as CSV (UTF-8)`) },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
      schema: binary(`${what} as an Excel workbook`),
    },
  },
});

/**
 * The generator names the request form of each component `<id>Input` (defaults optional), which
 * would read as the shared `LaunchInput`, `UserInput`…, another schema. They become `<id>.request`,
 * and forms nothing refers to are dropped.
 */
export function tidyDocument(doc: object): Record<string, unknown> {
  let text = JSON.stringify(doc);
  const ids = [...components._idmap.keys()];
  for (const id of ids)
    text = text.replaceAll(`"#/components/schemas/${id}Input"`, `"#/components/schemas/${id}.request"`);
  const out = JSON.parse(text) as { components: { schemas: Record<string, unknown> } };
  const renamed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(out.components.schemas)) {
    const id = name.endsWith('Input') ? name.slice(0, -'Input'.length) : null;
    renamed[id !== null && ids.includes(id) ? `${id}.request` : name] = schema;
  }
  // Keep what the paths refer to, and what those refer to in turn.
  const refs = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  const kept = new Set<string>();
  const todo = refs({ ...out, components: { ...out.components, schemas: {} } });
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (kept.has(name)) continue;
    kept.add(name);
    todo.push(...refs(renamed[name]));
  }
  out.components.schemas = Object.fromEntries(Object.entries(renamed).filter(([name]) => kept.has(name)));
  // Answers that say nothing of themselves are named for their status, not "Default Response".
  const paths = (out as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operation of Object.values(paths).flatMap((p) => Object.values(p)))
    for (const [status, response] of Object.entries(operation.responses ?? {}))
      if (response.description === 'Default Response') response.description = STATUS_TEXT[status] ?? 'Answer';
  return out;
}

/**
 * zod describes an answer's plain object as closed (`additionalProperties: false`: what it parsed
 * has no other keys), which no fact of the log could satisfy (a fact is its envelope and its body,
 * `allOf`), and would make every new field a breaking change for an integrator's validator. Only
 * `z.strictObject`s, which refuse unknown keys, say so.
 */
function openObjects(ctx: { zodSchema: z.core.$ZodType; jsonSchema: Record<string, unknown> }): void {
  const def = ctx.zodSchema._zod.def as { type: string; catchall?: z.core.$ZodType };
  if (def.type === 'object' && def.catchall?._zod.def.type !== 'never')
    delete ctx.jsonSchema.additionalProperties;
}

interface Operation {
  responses?: Record<string, { description?: string }>;
}
const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'No content' };

type ContentMap = { content: Record<string, { schema: unknown }> };
const isContentMap = (s: unknown): s is ContentMap =>
  typeof s === 'object' && s !== null && !(s instanceof z.ZodType) && 'content' in s;

/** The errors a route can answer with, from what it takes and who may call it. */
function errorsOf(route: RouteOptions, access: Access): number[] {
  const schema = (route.schema ?? {}) as FastifySchema;
  const codes = [500];
  if (schema.body || schema.querystring || schema.params) codes.push(400);
  if (access !== 'public') codes.push(401, 403);
  if (route.url.includes('/:')) codes.push(404);
  const methods = [route.method].flat();
  if (schema.body) codes.push(413, 415);
  if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) codes.push(503);
  return codes;
}

export default fp(
  async (app) => {
    // Documentation, not validation: parseInput in each route does that (see the comment above).
    app.setValidatorCompiler(() => (data) => ({ value: data }));
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));

    app.addHook('onRoute', (route) => {
      // The docs page's own routes (registered by swagger-ui, below) are open to everyone.
      if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`))
        route.config = { ...route.config, access: 'public' };
      const access = route.config?.access;
      const schema = (route.schema ?? {}) as FastifySchema & Record<string, unknown>;
      // Static files and the screens' pages are not API.
      if (!access) {
        route.schema = { ...schema, hide: true };
        return;
      }
      const response = { ...(schema.response as Record<string, unknown> | undefined) };
      for (const code of errorsOf(route, access)) response[code] ??= errorResponse(code);
      const documented: FastifySchema & { 'x-access': Access } = {
        ...schema,
        response,
        security: SECURITY[access],
        description: [schema.description, `Access: ${access} — ${ACCESS_TEXT[access]}.`]
          .filter(Boolean)
          .join('\n\n'),
        'x-access': access,
      };
      route.schema = documented;
    });

    // Built on first request, once every route is registered; the routes do not change after.
    let document: Record<string, unknown> | undefined;
    const openapiDocument = () => (document ??= tidyDocument(app.swagger()));
    const zodTransform = createJsonSchemaTransform({
      schemaRegistry: components,
      skipList: [],
      zodToJsonConfig: { override: openObjects },
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'War room API',
          version: '0.1.0',
          description:
            'The real-time launch-day dashboard for group-buy launches. Errors are always ' +
            '`{ "error": { "code", "message", "details"? } }`; messages follow Accept-Language ' +
            '(zh-CN or en). Cookie-authenticated state changes from another site are refused (CSRF). ' +
            'Pushes to screens go over Socket.IO (shared/src/socket.ts), not described here.',
        },
        components: {
          securitySchemes: {
            session: { type: 'apiKey', in: 'cookie', name: 'wr_session', description: 'POST /api/session' },
            bearer: {
              type: 'http',
              scheme: 'bearer',
              description: 'An ingest, screen or metrics token (POST /api/tokens)',
            },
          },
        },
      },
      transform: (doc) => {
        const { schema } = doc;
        // A body taken in several non-JSON forms (a CSV upload) is converted one form at a time.
        if (!schema || !isContentMap(schema.body)) return zodTransform(doc);
        const content: Record<string, { schema: unknown }> = {};
        for (const [type, { schema: body }] of Object.entries(schema.body.content)) {
          const one = zodTransform({ ...doc, schema: { body } as FastifySchema });
          content[type] = { schema: (one.schema as { body: unknown }).body };
        }
        const rest = zodTransform({ ...doc, schema: { ...schema, body: undefined } });
        return { ...rest, schema: { ...rest.schema, body: { content } } };
      },
      transformObject: createJsonSchemaTransformObject({
        schemaRegistry: components,
        zodToJsonConfig: { override: openObjects },
      }),
    });

    app.get(
      OPENAPI_PATH,
      {
        config: { access: 'public' },
        schema: {
          summary: 'This document (OpenAPI 3.1)',
          tags: ['meta'],
          response: { 200: z.record(z.string(), z.unknown()).describe('The OpenAPI document') },
        },
      },
      async () => openapiDocument(),
    );

    await app.register(swaggerUi, {
      routePrefix: DOCS_PREFIX,
      uiConfig: { deepLinking: true },
      // Helmet's CSP covers the page; the UI's scripts are files of this server, none inline.
      staticCSP: false,
      transformSpecification: () => openapiDocument(),
      transformSpecificationClone: false,
    });
  },
  { name: 'openapi' },
);
