import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { allowed } from '../accounts/policy';

const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  /** Admins only, from here on. */
  store: z.enum(['file', 'redis']).optional(),
  launches: z.number().int().optional(),
  problems: z
    .array(
      z.object({
        launchId: z.string(),
        kind: z.enum(['torn-tail', 'corrupt']),
        message: z.string(),
        /** Where the unreadable bytes were kept. */
        savedTo: z.string().optional(),
        detectedAt: z.string(),
      }),
    )
    .optional(),
  notLoaded: z.array(z.string()).optional(),
});

/**
 * GET /healthz, for load balancers and monitors, which log in as nobody: `{"status":"ok"}` or
 * `{"status":"degraded"}`, HTTP 200 either way — the server serves, and taking it out of rotation
 * would hide the launches that did load. Degraded means a launch's log could not be loaded (it is
 * corrupt, or its store failed while loading), so that launch answers 404 until someone repairs it.
 * A torn last line that was cut and kept beside the log is no such problem: the launch loaded.
 *
 * An admin is told why: the store, how many launches are loaded, every problem found in the logs
 * (with the paths where damaged bytes were kept) and the launches that failed to load.
 */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  const schema = {
    summary: 'Health: ok or degraded (an admin is told why)',
    tags: ['meta'],
    response: { 200: Health },
  };
  app.get('/healthz', { config: { access: 'public' }, schema }, async (req) => {
    const problems = app.registry.problems;
    const notLoaded = [
      ...new Set(problems.filter((p) => p.kind === 'corrupt').map((p) => p.launchId)),
    ].filter((id) => !app.registry.get(id));
    const status = notLoaded.length > 0 ? 'degraded' : 'ok';
    if (!allowed(req.principal, 'admin')) return { status };
    return {
      status,
      store: app.registry.store.kind,
      launches: app.registry.all().length,
      problems,
      notLoaded,
    };
  });
};
