/**
 * The review as tables (one per section) and those tables as CSV (written by ../csv.ts, the one CSV
 * policy) or as an Excel workbook (one sheet per section, via exceljs).
 */
import ExcelJS from 'exceljs';
import {
  type GroupReview,
  type LaunchReview,
  type MessageKey,
  METRIC_LABELS,
  REVIEW_KPI_LABELS,
  translate,
} from '@warroom/shared';
import type { FastifyReply } from 'fastify';
import { type CsvRow, csvText, neutraliseFormula } from '../csv';
import { channelSections } from './channels';

export type Cell = string | number | null;
export interface Section {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  name: string;
  headers: string[];
  rows: Cell[][];
}

/** The export is written in Chinese, from the shared dictionary. */
const w = (key: MessageKey, params?: Record<string, string>) => translate('zh', key, params);
const STATUS: Record<string, MessageKey> = {
  open: 'statusOpen',
  acknowledged: 'statusAcknowledged',
  cleared: 'export.cleared',
  done: 'rs_done',
  late: 'rs_late',
  due: 'rs_due',
  overdue: 'export.overdue',
  upcoming: 'export.upcoming',
};
const status = (s: string) => (STATUS[s] ? w(STATUS[s]) : s);
const yesNo = (b: boolean) => w(b ? 'export.yes' : 'export.no');
const metric = (m: string | null) =>
  m ? (METRIC_LABELS[m as keyof typeof METRIC_LABELS]?.zh ?? m) : w('dataGap');
const direction = (d: string | null) => (d === 'over' ? w('dirOver') : d === 'under' ? w('dirUnder') : '');
const severity = (s: string | null) =>
  s === 'critical' ? w('export.severityCritical') : s === 'warning' ? w('export.severityWarning') : '';
const INCIDENT_STATUS: Record<string, MessageKey> = {
  open: 'incidentStatus.open',
  acknowledged: 'incidentStatus.acknowledged',
  resolved: 'incidentStatus.resolved',
};
const CAUSE: Record<string, MessageKey> = {
  traffic: 'cause.traffic',
  conversion: 'cause.conversion',
  'order-value': 'cause.order-value',
};

/** The columns of how an alert or incident was handled (the rows end with the same six values). */
const handlingHeaders = () =>
  (
    ['export.escalated', 'ackCol', 'export.ackedAt', 'export.responseSeconds', 'actionCol', 'note'] as const
  ).map((k) => w(k));
const handling = (h: LaunchReview['alerts'][number] | LaunchReview['incidents'][number]): Cell[] => [
  yesNo(h.escalated),
  h.ackedBy,
  h.ackedAt,
  h.responseSeconds,
  h.action,
  h.note,
];

/** Stock, orders placed against paid, and new against returning buyers: one row per figure. */
function outcomeRows(r: LaunchReview): Cell[][] {
  const rows: Cell[][] = [];
  if (r.stock) {
    rows.push(
      [w('review.stock'), r.stock.stock],
      [w('review.sold'), r.stock.sold],
      [w('review.remaining'), r.stock.remaining],
      [w('review.soldOutAt'), r.stock.soldOutAt ?? w('review.notSoldOut')],
    );
  }
  const figures = <T extends object>(of: T | null, keys: [MessageKey, keyof T][]) => {
    if (of) for (const [label, k] of keys) rows.push([w(label), of[k] as Cell]);
  };
  figures(r.orders, [
    ['review.placedOrders', 'placedOrders'],
    ['review.placedAmount', 'placedAmount'],
    ['review.paidOrders', 'paidOrders'],
    ['review.paidAmount', 'paidAmount'],
    ['review.payRate', 'payRate'],
    ['review.unpaidOrders', 'unpaidOrders'],
    ['review.unpaidAmount', 'unpaidAmount'],
    ['review.closedOrders', 'closedOrders'],
    ['review.closedAmount', 'closedAmount'],
    ['review.paymentWindow', 'paymentWindowMinutes'],
  ]);
  figures(r.buyers, [
    ['review.paidBuyers', 'paidBuyers'],
    ['review.newBuyers', 'newBuyers'],
    ['review.returningBuyers', 'returningBuyers'],
    ['review.newShare', 'newShare'],
    ['review.forecastNewBuyers', 'forecastNewBuyers'],
  ]);
  return rows;
}

function funnelRows(r: LaunchReview): Cell[][] {
  const f = r.funnel;
  if (!f) return [];
  const conversion = f.withoutBuyers ? 'factor.gmvPerVisitor' : 'factor.conversion';
  return [
    [w('factor.gmv'), f.gmv, 1, ''],
    [
      w('factor.traffic'),
      f.factors.traffic,
      f.shares?.traffic ?? null,
      f.cause === 'traffic' ? w('export.yes') : '',
    ],
    [
      w(conversion),
      f.factors.conversion,
      f.shares?.conversion ?? null,
      f.cause === 'conversion' ? w('export.yes') : '',
    ],
    ...(f.withoutBuyers
      ? []
      : [
          [
            w('factor.orderValue'),
            f.factors.orderValue,
            f.shares?.orderValue ?? null,
            f.cause === 'order-value' ? w('export.yes') : '',
          ],
        ]),
  ];
}

export function reviewSections(r: LaunchReview): Section[] {
  return [
    {
      name: w('export.kpis'),
      headers: [w('metricCol'), w('export.target'), w('actualCol'), w('export.completion')],
      rows: r.kpis.map((k) => [REVIEW_KPI_LABELS[k.key].zh, k.target, k.actual, k.completion]),
    },
    {
      name: w('checkpointCol'),
      headers: [
        w('export.checkpointMinute'),
        w('export.complete'),
        w('metricCol'),
        w('actualCol'),
        w('forecastCol'),
        w('deviationCol'),
        w('export.breach'),
        w('review.severity'),
        w('review.incident'),
      ],
      rows: r.checkpoints.map((c) => [
        c.checkpoint,
        yesNo(c.complete),
        metric(c.metric),
        c.actual,
        c.forecast,
        c.deviation,
        c.suppressed === 'sold-out' ? w('review.suppressed') : direction(c.breach),
        severity(c.severity),
        c.incidentId,
      ]),
    },
    {
      name: w('export.alert'),
      headers: [
        w('export.alert'),
        w('checkpointCol'),
        w('metricCol'),
        w('export.direction'),
        w('export.severity'),
        w('deviationCol'),
        w('owner'),
        w('statusCol'),
        w('export.raisedAt'),
        ...handlingHeaders(),
      ],
      rows: r.alerts.map((a) => [
        a.alertId,
        a.checkpoint,
        metric(a.metric),
        direction(a.direction),
        w(a.severity === 'critical' ? 'export.severityCritical' : 'export.severityWarning'),
        a.deviation,
        a.owner,
        status(a.status),
        a.raisedAt,
        ...handling(a),
      ]),
    },
    {
      name: w('runSheet'),
      headers: [
        w('taskCol'),
        w('owner'),
        w('export.dueAt'),
        w('statusCol'),
        w('export.doneBy'),
        w('export.doneAt'),
      ],
      rows: r.runSheet.map((t) => [t.title, t.owner, t.dueAt, status(t.status), t.doneBy, t.doneAt]),
    },
    {
      name: w('export.curves'),
      headers: [
        w('export.minute'),
        w('export.forecastUv'),
        w('export.actualUv'),
        w('export.forecastUnits'),
        w('export.actualUnits'),
        w('export.forecastGmv'),
        w('export.actualGmv'),
      ],
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
      name: w('topDeviations'),
      headers: [
        w('export.checkpointMinute'),
        w('metricCol'),
        w('actualCol'),
        w('forecastCol'),
        w('deviationCol'),
        w('export.direction'),
      ],
      rows: r.topDeviations.map((c) => [
        c.checkpoint,
        metric(c.metric),
        c.actual,
        c.forecast,
        c.deviation,
        direction(c.breach),
      ]),
    },
    {
      name: w('review.incidents'),
      headers: [
        w('review.story'),
        w('review.cause'),
        w('metricCol'),
        w('export.direction'),
        w('review.severity'),
        w('statusCol'),
        w('owner'),
        w('review.openedAt'),
        w('review.evaluations'),
        w('review.worst'),
        w('review.alertCount'),
        ...handlingHeaders(),
      ],
      rows: r.incidents.map((i) => [
        i.incidentId,
        i.cause ? w(CAUSE[i.cause]!) : '',
        i.metric ? metric(i.metric) : '',
        direction(i.direction),
        severity(i.severity),
        INCIDENT_STATUS[i.status] ? w(INCIDENT_STATUS[i.status]!) : i.status,
        i.owner,
        i.openedAt,
        i.checkpoints.map((t) => (t < 0 ? `T${t}` : `T+${t}`)).join(' '),
        i.worstDeviation,
        i.alertCount,
        ...handling(i),
      ]),
    },
    {
      name: w('review.outcome'),
      headers: [w('review.item'), w('review.value')],
      rows: outcomeRows(r),
    },
    {
      name: w('review.funnel'),
      headers: [w('review.factor'), w('review.deviation'), w('review.share'), w('review.cause')],
      rows: funnelRows(r),
    },
    {
      name: w('review.engagement'),
      headers: [
        w('review.phase'),
        w('review.forecastFav'),
        w('review.actualFav'),
        w('review.forecastCart'),
        w('review.actualCart'),
      ],
      rows: r.engagement.map((e) => [
        w(e.phase === 'preheat' ? 'review.phasePreheat' : 'review.phaseLaunch'),
        e.forecastFav,
        e.fav,
        e.forecastCart,
        e.cart,
      ]),
    },
    ...channelSections(r.channels),
  ];
}

/** Kept under its old name: the workbook's text cells are neutralised exactly as the CSV's. */
export const escapeFormula = neutraliseFormula;

/** One block per section (its name, the headers, the rows), a blank record between blocks. */
export function reviewCsv(r: LaunchReview): string {
  return sectionsCsv(
    [[w('export.title', { name: r.launch.name })], [w('export.start', { at: r.launch.startAt })]],
    reviewSections(r),
  );
}

function sectionsCsv(head: CsvRow[], sections: readonly Section[]): string {
  const rows: CsvRow[] = [...head];
  for (const s of sections) rows.push([], [s.name], s.headers, ...s.rows);
  return csvText(rows, { bom: true });
}

export function reviewXlsx(r: LaunchReview): Promise<Buffer> {
  return sectionsXlsx(w('export.title', { name: r.launch.name }), reviewSections(r));
}

/** The group review: the launches side by side, then the group's totals. */
export function groupReviewSections(r: GroupReview): Section[] {
  const t = r.totals;
  return [
    {
      name: w('export.groupLaunches'),
      headers: [
        w('export.launch'),
        w('export.startCol'),
        w('export.planGmv'),
        w('export.actualGmv'),
        w('export.completion'),
        w('export.planUnits'),
        w('export.actualUnits'),
        w('export.stock'),
        w('export.soldOutAt'),
        w('export.incidents'),
        w('export.criticalIncidents'),
        w('export.alert'),
        w('export.acknowledgedCount'),
        w('export.meanResponse'),
        w('export.maxResponse'),
      ],
      rows: r.launches.map((l) => [
        l.name,
        l.startAt,
        l.planGmv,
        l.actualGmv,
        l.completion,
        l.planUnits,
        l.actualUnits,
        l.stock,
        l.soldOutAt,
        l.incidents,
        l.criticalIncidents,
        l.alerts,
        l.acknowledged,
        l.meanResponseSeconds,
        l.maxResponseSeconds,
      ]),
    },
    {
      name: w('export.groupTotals'),
      headers: [w('metricCol'), w('actualCol')],
      rows: [
        [w('export.planGmv'), t.planGmv],
        [w('export.actualGmv'), t.actualGmv],
        [w('export.completion'), t.completion],
        [w('export.actualUnits'), t.actualUnits],
        [w('export.soldOutCount'), t.soldOut],
        [w('export.incidents'), t.incidents],
        [w('export.criticalIncidents'), t.criticalIncidents],
        [w('export.alert'), t.alerts],
        [w('export.acknowledgedCount'), t.acknowledged],
        [w('export.meanResponse'), t.meanResponseSeconds],
        [w('export.maxResponse'), t.maxResponseSeconds],
      ],
    },
  ];
}

export function groupReviewCsv(r: GroupReview): string {
  return sectionsCsv([[w('export.groupTitle', { name: r.group.name })]], groupReviewSections(r));
}

export function groupReviewXlsx(r: GroupReview): Promise<Buffer> {
  return sectionsXlsx(w('export.groupTitle', { name: r.group.name }), groupReviewSections(r));
}

async function sectionsXlsx(title: string, sections: readonly Section[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'War room';
  wb.title = title;
  for (const s of sections) {
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

/** Answers a review as `format` asks: the JSON itself, or a CSV or Excel download named `file(ext)`. */
export async function sendReview<R>(
  reply: FastifyReply,
  format: 'json' | 'csv' | 'xlsx',
  r: R,
  file: (ext: string) => string,
  csv: (r: R) => string,
  xlsx: (r: R) => Promise<Buffer>,
): Promise<R | FastifyReply> {
  if (format === 'json') return r;
  const type =
    format === 'csv'
      ? 'text/csv; charset=utf-8'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  return reply
    .type(type)
    .header('content-disposition', `attachment; filename="${file(format)}"`)
    .send(format === 'csv' ? csv(r) : await xlsx(r));
}
