/**
 * The one dictionary and validation in the reader's language: zh-CN and English have the same keys
 * and placeholders; every main input, parsed in Chinese, says what is wrong in Chinese and names the
 * field as a person calls it, and in English says it in English; without a language the English
 * keeps its original shape.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  AckInput,
  ForecastImportQuery,
  ImportQuery,
  LaunchInput,
  LoginInput,
  COMPARED_METRICS,
  METRIC_LABELS,
  OWNER_ROLES,
  OWNER_ROLE_LABELS,
  REVIEW_KPIS,
  REVIEW_KPI_LABELS,
  ReadingBatch,
  ReadingInput,
  ReplayInput,
  ReplaySeekInput,
  RunSheetInput,
  SCENARIOS,
  SCENARIO_LABELS,
  SimulationInput,
  SocketAckInput,
  TokenInput,
  UserInput,
  WhatIfInput,
  type MessageKey,
  describeInvalidInput,
  describeIssues,
  en,
  fieldLabel,
  safeParseIn,
  translate,
  zh,
} from '@warroom/shared';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the dictionary', () => {
  it('has the same keys in zh-CN and English (the type, and at run time both ways)', () => {
    expectTypeOf<keyof typeof en>().toEqualTypeOf<MessageKey>();
    expectTypeOf<keyof typeof zh>().toEqualTypeOf<MessageKey>();
    expect(Object.keys(en).filter((k) => !(k in zh))).toEqual([]);
    expect(Object.keys(zh).filter((k) => !(k in en))).toEqual([]);
  });

  it('has no empty label in either language', () => {
    for (const dict of [zh, en] as const)
      expect(Object.entries(dict).filter(([, text]) => text.trim() === '')).toEqual([]);
  });

  it('uses the same placeholders in both languages for every key', () => {
    const differ = (Object.keys(zh) as MessageKey[]).filter(
      (k) => placeholders(zh[k]).join() !== placeholders(en[k]).join(),
    );
    expect(differ).toEqual([]);
  });

  it('fills placeholders and leaves an unknown one visible', () => {
    expect(translate('zh', 'remaining', { n: 12 })).toBe('剩余 12 件');
    expect(translate('en', 'remaining', { n: 12 })).toBe('12 units left');
    expect(translate('en', 'remaining', {})).toBe('{n} units left');
  });

  it('defines the metric, owner-role, review-KPI and scenario labels', () => {
    const cases: [readonly string[], Record<string, { zh: string; en: string }>][] = [
      [COMPARED_METRICS, METRIC_LABELS],
      [OWNER_ROLES, OWNER_ROLE_LABELS],
      [REVIEW_KPIS, REVIEW_KPI_LABELS],
      [SCENARIOS, SCENARIO_LABELS],
    ];
    for (const [values, labels] of cases) {
      expect(Object.keys(labels).sort()).toEqual([...values].sort());
      for (const v of values) {
        expect(labels[v]!.zh).not.toBe('');
        expect(labels[v]!.en).not.toBe('');
      }
    }
    expect(METRIC_LABELS.orders).toEqual({ zh: '支付买家数', en: 'Buyers' });
    expect(OWNER_ROLE_LABELS.推广主管).toEqual({ zh: '推广主管', en: 'Promotion lead' });
    expect(SCENARIO_LABELS['traffic-shortfall']).toEqual({ zh: '流量不足', en: 'Traffic shortfall' });
  });
});

describe('field names', () => {
  it.each([
    [['checkpoints', 1], '检查点第 2 项', 'Checkpoints item 2'],
    [['forecast', 3, 'minute'], '预估曲线第 4 项 · 分钟', 'Forecast item 4 · Minute'],
    [['targets', 'gmv'], '目标 · 支付金额', 'Targets · GMV'],
    [['playbook', 0, 'title'], '预备方案第 1 项 · 方案名称', 'Playbook item 1 · Plan title'],
    [
      ['playbook', 0, 'owners', 1, 'role'],
      '预备方案第 1 项 · 负责人第 2 项 · 负责角色',
      'Playbook item 1 · Owners item 2 · Owner role',
    ],
    [[2, 'clockTime'], '第 3 项 · 时钟时间', 'item 3 · Clock time'],
    [['mapping', '访客'], '列映射 · 访客', 'Column mapping · 访客'],
  ] as const)('%j reads 「%s」 / "%s"', (path, zhLabel, enLabel) => {
    expect(fieldLabel('zh', path)).toBe(zhLabel);
    expect(fieldLabel('en', path)).toBe(enLabel);
  });
});

const LAUNCH = {
  name: '双11 开团 · 保温杯',
  startAt: '2026-11-11T10:00:00+08:00',
  durationMinutes: 180,
  forecast: { template: { uv: 30_000, units: 2_000, gmv: 198_000 } },
};
const TASK = { title: '跟进物流', owner: '仓储主管', clockTime: '15:00' };

/** [what, schema, input, a line of the Chinese answer, the same line in English]. */
const CASES: [string, z.ZodType, unknown, string, string][] = [
  [
    'a checkpoint after the end',
    LaunchInput,
    { ...LAUNCH, checkpoints: [15, 200] },
    '检查点第 2 项：检查点 200 在活动结束之后（时长 180 分钟）',
    'Checkpoints item 2: checkpoint 200 is after the launch ends (durationMinutes 180)',
  ],
  [
    'an empty launch name',
    LaunchInput,
    { ...LAUNCH, name: '  ' },
    '名称：不能为空',
    'Name: must not be empty',
  ],
  [
    'a start that is no date-time',
    LaunchInput,
    { ...LAUNCH, startAt: 'tomorrow' },
    '开团时间：必须是 ISO 日期时间',
    'Launch time: must be an ISO date-time',
  ],
  [
    'an unknown time zone',
    LaunchInput,
    { ...LAUNCH, timezone: 'Mars/Olympus' },
    '时区：必须是 IANA 时区',
    'Time zone: must be an IANA time zone',
  ],
  [
    'a zero target',
    LaunchInput,
    { ...LAUNCH, forecast: { template: { uv: 0, units: 2_000, gmv: 198_000 } } },
    '预估曲线 · 按目标生成 · 访客数：必须大于 0',
    'Forecast · From targets · Visitors: must be more than 0',
  ],
  [
    'a forecast minute given twice',
    LaunchInput,
    {
      ...LAUNCH,
      forecast: [
        { minute: 0, uv: 1 },
        { minute: 0, uv: 2 },
      ],
    },
    '预估曲线第 2 项 · 分钟：第 0 分钟重复了',
    'Forecast item 2 · Minute: minute 0 is listed twice',
  ],
  [
    'a tolerance of zero (zod’s own message)',
    LaunchInput,
    { ...LAUNCH, tolerance: 0 },
    '阈值：数值过小',
    'Tolerance: Too small',
  ],
  [
    'an empty action of a plan',
    LaunchInput,
    {
      ...LAUNCH,
      playbook: [
        {
          metric: 'uv',
          direction: 'under',
          title: '流量不足',
          owners: [{ role: '推广主管', actions: [''] }],
        },
      ],
    },
    '预备方案第 1 项 · 负责人第 1 项 · 措施第 1 项：不能为空',
    'Playbook item 1 · Owners item 1 · Actions item 1: must not be empty',
  ],
  [
    'a run-sheet clock time of 25:00',
    LaunchInput,
    { ...LAUNCH, runSheet: [{ ...TASK, clockTime: '25:00' }] },
    '作战时间表第 1 项 · 时钟时间：必须是时钟时间, 如 15:00',
    'Run sheet item 1 · Clock time: must be a clock time such as 15:00',
  ],
  [
    'a negative reading',
    ReadingInput,
    { minute: 3, uv: -1 },
    '访客数：不能为负数',
    'Visitors: must not be negative',
  ],
  [
    'a fractional unit count',
    ReadingInput,
    { minute: 3, units: 1.5 },
    '支付件数：必须是整数',
    'Units sold: must be a whole number',
  ],
  [
    'a reading without its minute',
    ReadingInput,
    { uv: 5 },
    '请给出 "minute" 或 "at"',
    'give either "minute" or "at"',
  ],
  ['an empty batch of readings', ReadingBatch, [], '至少发送一条读数', 'send at least one reading'],
  [
    'an acknowledgement by nobody',
    AckInput,
    { by: ' ' },
    '操作人：请说明是谁在确认',
    'By: say who is acknowledging',
  ],
  ['an over-long note', AckInput, { note: 'x'.repeat(1001) }, '备注：数值过大', 'Note: Too big'],
  [
    'a socket acknowledgement without its alert',
    SocketAckInput,
    { alertId: '' },
    '告警编号：数值过小',
    'Alert ID: Too small',
  ],
  [
    'a run-sheet task without a title',
    RunSheetInput,
    [{ ...TASK, title: '' }],
    '第 1 项 · 标题：不能为空',
    'item 1 · Title: must not be empty',
  ],
  [
    'a run-sheet task with both timings',
    RunSheetInput,
    [{ ...TASK, offsetMinutes: 5 }],
    '第 1 项：请填写相对开团的分钟数',
    'item 1: give either "offsetMinutes"',
  ],
  [
    'a task id listed twice',
    RunSheetInput,
    [
      { ...TASK, id: 'pack' },
      { ...TASK, id: 'pack' },
    ],
    '第 2 项 · 编号：任务 pack 重复了',
    'item 2 · ID: task pack is listed twice',
  ],
  [
    'a short username',
    UserInput,
    { username: 'w', password: 'a-long-password', role: 'viewer' },
    '用户名：至少 2 个字符',
    'Username: must be at least 2 characters',
  ],
  [
    'a short password',
    UserInput,
    { username: 'wangfang', password: 'short', role: 'viewer' },
    '密码：至少 8 个字符',
    'Password: must be at least 8 characters',
  ],
  [
    'an unknown role',
    UserInput,
    { username: 'wangfang', password: 'a-long-password', role: 'boss' },
    '权限：无效选项',
    'Access: Invalid option',
  ],
  [
    'a login without a name',
    LoginInput,
    { username: '', password: 'x' },
    '用户名：数值过小',
    'Username: Too small',
  ],
  [
    'a token of no scope',
    TokenInput,
    { name: '3 楼大屏', scope: 'tv' },
    '用途：无效选项',
    'Use: Invalid option',
  ],
  [
    'an unknown scenario',
    SimulationInput,
    { scenario: 'meteor', speed: 30 },
    '场景：无效选项',
    'Scenario: Invalid option',
  ],
  [
    'a simulation at speed 0',
    SimulationInput,
    { scenario: 'surge', speed: 0 },
    '速度：数值过小',
    'Speed: Too small',
  ],
  [
    'a what-if without metrics',
    WhatIfInput,
    { metrics: [] },
    '对比指标：数值过小',
    'Compared metrics: Too small',
  ],
  [
    'a replay at speed 3',
    ReplayInput,
    { launchId: 'l1', speed: 3 },
    '速度：无效输入',
    'Speed: Invalid input',
  ],
  ['a seek to a fraction', ReplaySeekInput, { minute: 1.5 }, '分钟：无效输入', 'Minute: Invalid input'],
  [
    'a mapping that is not JSON',
    ImportQuery,
    { mapping: '{visitors' },
    '列映射：必须是 JSON',
    'Column mapping: must be JSON',
  ],
  [
    'an unknown import encoding',
    ImportQuery,
    { encoding: 'latin1' },
    '编码：无效选项',
    'Encoding: Invalid option',
  ],
  [
    'a forecast import in no time zone',
    ForecastImportQuery,
    { timezone: 'Nowhere/City' },
    '时区：必须是 IANA 时区',
    'Time zone: must be an IANA time zone',
  ],
];

describe('validation messages in the language of the parse', () => {
  it.each(CASES)('%s: in Chinese, naming the field in Chinese', (_what, schema, input, zhLine) => {
    const r = safeParseIn('zh', schema, input);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!.issues, { lang: 'zh' })).toContain(zhLine);
  });

  it.each(CASES)('%s: in English, naming the field in English', (_what, schema, input, _zh, enLine) => {
    const r = safeParseIn('en', schema, input);
    expect(r.success).toBe(false);
    const text = describeIssues(r.error!.issues, { lang: 'en' });
    expect(text).toContain(enLine);
    // Written the English way: no full-width colon or semicolon between the field and its message.
    expect(text).not.toMatch(/[：；]/);
  });

  it('keeps the original English shape when no language is named', () => {
    const r = LaunchInput.safeParse({
      ...LAUNCH,
      checkpoints: [15, 200],
      forecast: [{ minute: 200, uv: 1 }],
    });
    expect(r.success).toBe(false);
    expect(describeInvalidInput('launch', r.error!.issues)).toBe(
      'launch is invalid: checkpoints[1]: checkpoint 200 is after the launch ends (durationMinutes 180); ' +
        'forecast[0].minute: minute 200 is after the launch ends (durationMinutes 180)',
    );
  });

  it('words the input in Chinese too, and counts what it leaves out', () => {
    const many = safeParseIn('zh', LaunchInput, {
      name: '',
      startAt: 'x',
      timezone: 'y',
      tolerance: 0,
      stock: -1,
      price: -1,
    });
    expect(many.success).toBe(false);
    const text = describeInvalidInput('launch', many.error!.issues, 'zh');
    expect(text.startsWith('场次有误：名称：不能为空；开团时间：')).toBe(true);
    expect(text).toMatch(/；另有 \d+ 处问题$/);
  });

  it('chooses the language per parse: a parse in Chinese leaves the next one English', () => {
    expect(safeParseIn('zh', AckInput, { by: '' }).error!.issues[0]!.message).toBe('请说明是谁在确认');
    expect(AckInput.safeParse({ by: '' }).error!.issues[0]!.message).toBe('say who is acknowledging');
    expect(safeParseIn('en', AckInput, { by: '' }).error!.issues[0]!.message).toBe(
      'say who is acknowledging',
    );
  });
});
