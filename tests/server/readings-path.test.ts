/**
 * The readings route checks its launch id without zod when it is plainly fine (1 to 100
 * characters); any other id still gets zod's 400, word for word and in the caller's language, as
 * before (answers recorded from the code that parsed every id with zod).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { makeApp, removeTempDirs } from '../helpers/server';

let app: FastifyInstance;
beforeAll(async () => {
  app = await makeApp({ ticking: false });
});
afterAll(async () => {
  await app.close();
  await removeTempDirs();
});

const post = (id: string, lang?: string) =>
  app.inject({
    method: 'POST',
    url: `/api/launches/${id}/readings`,
    headers: lang ? { 'accept-language': lang } : {},
    payload: { minute: 0 },
  });

describe('the readings route’s launch id', () => {
  it('of 1 to 100 characters is looked up (404 when there is no such launch)', async () => {
    for (const id of ['x', 'x'.repeat(100)]) {
      const res = await post(id);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: `launch ${id} does not exist` } });
    }
  });

  it('empty or over 100 characters is refused with zod’s words, in the caller’s language', async () => {
    const cases = [
      ['', undefined, 'Too small: expected string to have >=1 characters', 'path is invalid: id: '],
      ['', 'zh-CN', '数值过小：期望 string >=1 字符', '地址有误：编号：'],
      [
        'x'.repeat(101),
        undefined,
        'Too big: expected string to have <=100 characters',
        'path is invalid: id: ',
      ],
      ['x'.repeat(101), 'zh-CN', '数值过大：期望 string <=100 字符', '地址有误：编号：'],
    ] as const;
    for (const [id, lang, issue, prefix] of cases) {
      const res = await post(id, lang);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: {
          code: 'invalid_input',
          message: `${prefix}${issue}`,
          details: { issues: [{ path: ['id'], message: issue }] },
        },
      });
    }
  });
});
