/**
 * The review as tables (one per section) and those tables as CSV (UTF-8 with BOM, so Excel reads the
 * Chinese) or as an Excel workbook (one sheet per section, via exceljs).
 */
import ExcelJS from 'exceljs';
import { type LaunchReview, METRIC_LABELS, REVIEW_KPI_LABELS } from '@warroom/shared';

export type Cell = string | number | null;
export interface Section {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  name: string;
  headers: string[];
  rows: Cell[][];
}

const STATUS: Record<string, string> = {
  open: '未确认',
  acknowledged: '已确认',
  cleared: '已解除',
  done: '已完成',
  late: '逾期完成',
  due: '待办',
  overdue: '逾期未完成',
  upcoming: '未到时间',
};
const metric = (m: string | null) =>
  m ? (METRIC_LABELS[m as keyof typeof METRIC_LABELS]?.zh ?? m) : '数据中断';
const direction = (d: string | null) => (d === 'over' ? '高于' : d === 'under' ? '低于' : '');

export function reviewSections(r: LaunchReview): Section[] {
  return [
    {
      name: '目标达成',
      headers: ['指标', '目标', '实际', '完成率'],
      rows: r.kpis.map((k) => [REVIEW_KPI_LABELS[k.key].zh, k.target, k.actual, k.completion]),
    },
    {
      name: '检查点',
      headers: ['检查点 (分钟)', '数据完整', '指标', '实际', '预估', '偏差', '超出阈值'],
      rows: r.checkpoints.map((c) => [
        c.checkpoint,
        c.complete ? '是' : '否',
        metric(c.metric),
        c.actual,
        c.forecast,
        c.deviation,
        direction(c.breach),
      ]),
    },
    {
      name: '告警',
      headers: [
        '告警',
        '检查点',
        '指标',
        '方向',
        '级别',
        '偏差',
        '负责人',
        '状态',
        '触发时间',
        '已升级',
        '确认人',
        '确认时间',
        '响应秒数',
        '措施',
        '备注',
      ],
      rows: r.alerts.map((a) => [
        a.alertId,
        a.checkpoint,
        metric(a.metric),
        direction(a.direction),
        a.severity === 'critical' ? '严重' : '警告',
        a.deviation,
        a.owner,
        STATUS[a.status] ?? a.status,
        a.raisedAt,
        a.escalated ? '是' : '否',
        a.ackedBy,
        a.ackedAt,
        a.responseSeconds,
        a.action,
        a.note,
      ]),
    },
    {
      name: '作战时间表',
      headers: ['任务', '负责人', '截止时间', '状态', '完成人', '完成时间'],
      rows: r.runSheet.map((t) => [
        t.title,
        t.owner,
        t.dueAt,
        STATUS[t.status] ?? t.status,
        t.doneBy,
        t.doneAt,
      ]),
    },
    {
      name: '预估与实际曲线',
      headers: ['分钟', '预估访客', '实际访客', '预估件数', '实际件数', '预估金额', '实际金额'],
      rows: r.curves.map((p) => [
        p.minute,
        p.forecastUv,
        p.actualUv,
        p.forecastUnits,
        p.actualUnits,
        p.forecastGmv,
        p.actualGmv,
      ]),
    },
    {
      name: '最大偏差',
      headers: ['检查点 (分钟)', '指标', '实际', '预估', '偏差', '方向'],
      rows: r.topDeviations.map((c) => [
        c.checkpoint,
        metric(c.metric),
        c.actual,
        c.forecast,
        c.deviation,
        direction(c.breach),
      ]),
    },
  ];
}

/**
 * A cell a spreadsheet would read as a formula (= + - @, or a leading tab/CR that hides one) is
 * prefixed with an apostrophe (OWASP CSV injection). Numbers are written as numbers and left alone.
 */
export function escapeFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function csvCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return String(c);
  const text = escapeFormula(c);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function reviewCsv(r: LaunchReview): string {
  const lines: string[] = [csvCell(`活动总结 · ${r.launch.name}`), csvCell(`开团 ${r.launch.startAt}`), ''];
  for (const s of reviewSections(r)) {
    lines.push(csvCell(s.name), s.headers.map(csvCell).join(','));
    for (const row of s.rows) lines.push(row.map(csvCell).join(','));
    lines.push('');
  }
  return `\uFEFF${lines.join('\r\n')}`;
}

export async function reviewXlsx(r: LaunchReview): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'War room';
  wb.title = `活动总结 · ${r.launch.name}`;
  for (const s of reviewSections(r)) {
    const ws = wb.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.headers).font = { bold: true };
    // Text cells are escaped as in the CSV: a shared workbook must not run a formula from a note.
    for (const row of s.rows) ws.addRow(row.map((c) => (typeof c === 'string' ? escapeFormula(c) : c)));
    ws.columns.forEach((col, i) => {
      col.width = Math.min(40, Math.max(10, (s.headers[i]?.length ?? 4) * 2 + 4));
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
