/**
 * Replays belong to who started them (issue #11, defect 9): the trainer who started a replay and
 * admins pause, resume, step, seek, change speed, end and delete it; every other person watches
 * (403, saying whose it is). A trainee acknowledges only in a drill that names them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Launch, ReplayInfo } from '@warroom/shared';
import { makeApp, pastLaunchInput, readings, removeTempDirs, userCookie } from '../helpers/server';

afterAll(removeTempDirs);

type App = FastifyInstance & { adminCookie: string };
let app: App;
let launch: Launch;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  app = (await makeApp({ ticking: false })) as App;
  launch = (
    await app.inject({ method: 'POST', url: '/api/launches', payload: pastLaunchInput() })
  ).json<Launch>();
  await app.inject({
    method: 'POST',
    url: `/api/launches/${launch.id}/readings`,
    payload: readings(0, 16, 0.5),
  });
  for (const [username, role] of [
    ['trainer', 'viewer'],
    ['other', 'viewer'],
    ['xiaoli', 'viewer'],
    ['boss', 'supervisor'],
  ] as const)
    cookies[username] = await userCookie(app, { username, role });
  cookies.admin = app.adminCookie;
});

const as = (who: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
  app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });

async function start(who: string, drill?: { trainee: string }): Promise<string> {
  const res = await as(who, 'POST', '/api/replays', {
    launchId: launch.id,
    paused: true,
    ...(drill ? { drill } : {}),
  });
  expect(res.statusCode).toBe(201);
  const body = res.json<{ replayId: string; info: ReplayInfo }>();
  expect(body.info.startedBy).toBe(who === 'admin' ? 'admin' : who);
  return body.replayId;
}

const CONTROLS: [string, Record<string, unknown>][] = [
  ['pause', {}],
  ['resume', {}],
  ['step', {}],
  ['seek', { minute: 5 }],
  ['speed', { speed: 2 }],
  ['end', {}],
];

describe('a replay a viewer started', () => {
  it('is controlled by its trainer and admins; another viewer and a supervisor only watch', async () => {
    const id = await start('trainer');
    for (const [name, body] of CONTROLS) {
      for (const who of ['other', 'boss']) {
        const res = await as(who, 'POST', `/api/replays/${id}/${name}`, body);
        expect(res.statusCode, `${name} as ${who}`).toBe(403);
        expect(res.json()).toMatchObject({
          error: { code: 'forbidden', message: expect.stringContaining('trainer') },
        });
      }
      expect((await as('trainer', 'POST', `/api/replays/${id}/${name}`, body)).statusCode, name).toBe(200);
      expect((await as('admin', 'POST', `/api/replays/${id}/${name}`, body)).statusCode, name).toBe(200);
    }
    // Watching stays open to everyone with read access.
    expect((await as('other', 'GET', `/api/replays/${id}`)).statusCode).toBe(200);
    expect((await as('other', 'GET', `/api/replays/${id}/score`)).statusCode).toBe(200);
    // A person outside it cannot acknowledge in it either (it is no drill naming them).
    const ack = await as('other', 'POST', `/api/replays/${id}/alerts/some-alert/ack`, { action: '加投' });
    expect(ack.statusCode).toBe(403);
  });

  it('is deleted only by its trainer or an admin', async () => {
    const id = await start('trainer');
    expect((await as('other', 'DELETE', `/api/replays/${id}`)).statusCode).toBe(403);
    expect((await as('boss', 'DELETE', `/api/replays/${id}`)).statusCode).toBe(403);
    expect((await as('trainer', 'DELETE', `/api/replays/${id}`)).statusCode).toBe(204);
    const admins = await start('trainer');
    expect((await as('admin', 'DELETE', `/api/replays/${admins}`)).statusCode).toBe(204);
  });

  it("an admin's replay is not a viewer's to control", async () => {
    const id = await start('admin');
    expect((await as('trainer', 'POST', `/api/replays/${id}/pause`)).statusCode).toBe(403);
    expect((await as('trainer', 'DELETE', `/api/replays/${id}`)).statusCode).toBe(403);
  });
});

describe('a drill', () => {
  it('takes acknowledgements from the trainee it names (and its trainer), not from anyone else', async () => {
    const id = await start('trainer', { trainee: 'xiaoli' });
    const url = `/api/replays/${id}/alerts/no-such-alert/ack`;
    // Allowed through to the alert (which has not fired here: 404), refused before it otherwise.
    expect((await as('xiaoli', 'POST', url, { action: '加投' })).statusCode).toBe(404);
    expect((await as('trainer', 'POST', url, { action: '加投' })).statusCode).toBe(404);
    expect((await as('admin', 'POST', url, { action: '加投' })).statusCode).toBe(404);
    for (const who of ['other', 'boss']) {
      const res = await as(who, 'POST', url, { action: '加投' });
      expect(res.statusCode, who).toBe(403);
    }
    // The trainee watches and acknowledges but does not run the drill.
    expect((await as('xiaoli', 'POST', `/api/replays/${id}/pause`)).statusCode).toBe(403);
  });
});
