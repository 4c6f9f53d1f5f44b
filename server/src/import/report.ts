/** The import report as it builds up; problems are capped, counts are not. */
import {
  type ImportProblem,
  type ImportProgress,
  type ImportReport,
  MAX_REPORTED_PROBLEMS,
} from '@warroom/shared';
import type { ColumnPlan } from './columns';
import type { CsvFile } from './records';

export class ReportBuilder {
  rowsRead = 0;
  accepted = 0;
  duplicates = 0;
  rejectedRows = 0;
  private problems: ImportProblem[] = [];
  private truncated = false;
  firstMinute: number | null = null;
  lastMinute: number | null = null;
  storedThroughLine: number | null = null;
  checkpointsEvaluated = 0;
  alertsRaised = 0;
  alertsUpdated = 0;
  bytesRead = 0;

  constructor(
    private readonly file: CsvFile,
    private readonly plan: ColumnPlan,
    private readonly dryRun: boolean,
    private readonly extraWarnings: string[] = [],
  ) {}

  reject(problems: readonly ImportProblem[]): void {
    this.rejectedRows++;
    for (const p of problems) {
      if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push(p);
      else this.truncated = true;
    }
  }

  covered(minute: number): void {
    if (this.firstMinute === null || minute < this.firstMinute) this.firstMinute = minute;
    if (this.lastMinute === null || minute > this.lastMinute) this.lastMinute = minute;
  }

  progress(totalBytes: number | null): ImportProgress {
    return {
      type: 'progress',
      bytesRead: this.bytesRead,
      totalBytes,
      rowsRead: this.rowsRead,
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejectedRows: this.rejectedRows + this.file.unreadable.length,
      storedThroughLine: this.storedThroughLine,
    };
  }

  build(): ImportReport {
    const unreadable = this.file.unreadable;
    const all = [...this.problems, ...unreadable].sort((a, b) => a.line - b.line);
    return {
      dryRun: this.dryRun,
      encoding: this.file.encoding,
      delimiter: this.file.delimiter,
      rowsRead: this.rowsRead + unreadable.length,
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejectedRows: this.rejectedRows + unreadable.length,
      rejected: all.slice(0, MAX_REPORTED_PROBLEMS),
      rejectedTruncated: this.truncated || all.length > MAX_REPORTED_PROBLEMS,
      mapping: this.plan.mapping,
      ignoredColumns: this.plan.ignored,
      cumulativeColumns: this.plan.cumulativeColumns,
      firstMinute: this.firstMinute,
      lastMinute: this.lastMinute,
      storedThroughLine: this.dryRun ? null : this.storedThroughLine,
      checkpointsEvaluated: this.checkpointsEvaluated,
      alertsRaised: this.alertsRaised,
      alertsUpdated: this.alertsUpdated,
      warnings: [...this.file.warnings, ...this.extraWarnings],
    };
  }
}
