/**
 * The audit trail in the reader's words: every action the server records has a word in both
 * languages (none shown raw, as group.* and channel.* were), and groups, channels and incidents
 * are named rather than shown by id.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '@warroom/shared';
import {
  AUDIT_ACTIONS,
  actionWord,
  detailsText,
  targetText,
  type AuditNames,
} from '../../client/src/admin/auditText';

const SERVER = join(import.meta.dirname, '../../server/src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** The actions the server writes: `audit.record(who, '<action>', …)` and the service's `action: '<action>'`. */
function serverActions(): Set<string> {
  const found = new Set<string>();
  for (const file of sources(SERVER)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/audit\.record\(\s*[^,]+,\s*'([a-z.]+)'/g)) found.add(m[1]!);
    for (const m of text.matchAll(/\baction: '([a-z]+(?:\.[a-z]+)+|import)'/g)) found.add(m[1]!);
  }
  return found;
}

const names: AuditNames = {
  launchName: (id) => ({ L1: '雪凡妮 聚划算 · 10:00 场', L2: '保温杯 · 10:05 场' })[id],
  tokenName: () => undefined,
};

const entry = (action: string, target: string | null, details?: Record<string, unknown>): AuditEntry =>
  ({ at: '2026-12-02T10:00:00.000Z', actor: 'admin', action, target, details }) as AuditEntry;

describe('the audit trail’s words', () => {
  it('knows every action the server records, and the filter offers each', () => {
    const recorded = serverActions();
    // The scan finds the actions of every part of the server (a broken pattern finds none).
    for (const a of ['login', 'launch.create', 'alert.ack', 'incident.ack', 'group.create', 'channel.test'])
      expect(recorded, a).toContain(a);
    expect([...recorded].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a))).toEqual([]);
    for (const a of AUDIT_ACTIONS)
      for (const lang of ['zh', 'en'] as const) expect(actionWord(lang, a), `${lang} ${a}`).not.toBe(a);
  });

  it('names groups, channels and incidents, and lists a group’s launches by name', () => {
    const group = entry('group.create', 'g1', { name: '双12 10:00 批次', launches: ['L1', 'L2', 'gone'] });
    expect(actionWord('zh', group.action)).toBe('创建场次组');
    expect(targetText('zh', group, names)).toBe('双12 10:00 批次');
    expect(detailsText('zh', group, names)).toBe('场次 雪凡妮 聚划算 · 10:00 场、保温杯 · 10:05 场、gone');
    const test = entry('channel.test', 'c1', { ok: true, code: '0' });
    expect(targetText('zh', test, names)).toBe('c1');
    expect(detailsText('zh', test, names)).toBe('结果 成功 · 平台代码 0');
    expect(detailsText('en', { ...test, details: { ok: false, code: '310000' } }, names)).toBe(
      'result failed · platform code 310000',
    );
    const deleted = entry('channel.delete', 'c1', { name: '推广群', kind: 'dingtalk' });
    expect(targetText('zh', deleted, names)).toBe('推广群');
    expect(detailsText('zh', deleted, names)).toBe('类型 钉钉机器人');
    const ack = entry('incident.ack', 'L1-i-traffic-under', { action: '直通车加价', via: 'http' });
    expect(targetText('zh', ack, names)).toBe('雪凡妮 聚划算 · 10:00 场 · 事件');
    expect(targetText('en', { ...ack, target: 'L9-i-traffic-under' }, names)).toBe('L9-i-traffic-under');
  });
});
