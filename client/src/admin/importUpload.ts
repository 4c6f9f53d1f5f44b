/**
 * Uploads a CSV to POST /api/launches/:id/imports?progress=true and follows the answer: upload
 * progress from the XHR, then the server's NDJSON lines (progress…, then one report or error).
 * XHR rather than fetch: fetch cannot report how much of a request body has been sent.
 */
import type { ImportEncoding, ImportProgress, ImportReport, ImportStreamLine } from '@warroom/shared';
import { requestHeaders } from '../api';
import { sessionRefused } from '../auth/session';

export interface ImportRequest {
  launchId: string;
  file: Blob & { name?: string };
  dryRun: boolean;
  encoding?: ImportEncoding;
  cumulative?: boolean;
}

export type ImportPhase =
  { phase: 'uploading'; fraction: number } | { phase: 'processing'; progress: ImportProgress };

export class ImportFailed extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly report?: ImportReport,
  ) {
    super(message);
  }
}

/** Complete NDJSON lines in `text` from `from` on; returns them and where the unfinished tail starts. */
export function ndjsonLines(text: string, from: number): { lines: ImportStreamLine[]; next: number } {
  const lines: ImportStreamLine[] = [];
  let start = from;
  for (;;) {
    const end = text.indexOf('\n', start);
    if (end < 0) break;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (!raw) continue;
    try {
      lines.push(JSON.parse(raw) as ImportStreamLine);
    } catch {
      // Not ours (a proxy's page): the final status check reports it.
    }
  }
  return { lines, next: start };
}

export function importQuery(req: Omit<ImportRequest, 'file' | 'launchId'>): string {
  const q = new URLSearchParams({ progress: 'true', dryRun: String(req.dryRun) });
  if (req.encoding) q.set('encoding', req.encoding);
  if (req.cumulative) q.set('cumulative', 'true');
  return q.toString();
}

export function uploadImport(req: ImportRequest, onPhase: (p: ImportPhase) => void): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/launches/${encodeURIComponent(req.launchId)}/imports?${importQuery(req)}`);
    for (const [k, v] of Object.entries(requestHeaders())) xhr.setRequestHeader(k, v);
    let read = 0;
    let outcome: ImportStreamLine | null = null;
    const consume = () => {
      if (xhr.status !== 200) return;
      const { lines, next } = ndjsonLines(xhr.responseText, read);
      read = next;
      for (const line of lines) {
        if (line.type === 'progress') onPhase({ phase: 'processing', progress: line });
        else outcome = line;
      }
    };
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onPhase({ phase: 'uploading', fraction: e.loaded / e.total });
    };
    xhr.onprogress = consume;
    xhr.onerror = () => reject(new ImportFailed('network error', 0, 'network'));
    xhr.onload = () => {
      if (xhr.status !== 200) {
        if (xhr.status === 401) sessionRefused();
        let err: { code?: string; message?: string } | undefined;
        try {
          err = (JSON.parse(xhr.responseText) as { error?: { code?: string; message?: string } }).error;
        } catch {
          err = undefined;
        }
        reject(new ImportFailed(err?.message ?? xhr.statusText, xhr.status, err?.code ?? 'http'));
        return;
      }
      consume();
      // The stream may end without a final newline.
      const tail = ndjsonLines(xhr.responseText.slice(read) + '\n', 0).lines.at(-1);
      const last = (tail && tail.type !== 'progress' ? tail : null) ?? outcome;
      if (last?.type === 'report') resolve(last.report);
      else if (last?.type === 'error')
        reject(new ImportFailed(last.error.message, last.status, last.error.code, last.report));
      else reject(new ImportFailed('the import ended without a report', 0, 'incomplete'));
    };
    const form = new FormData();
    form.append('file', req.file, req.file.name ?? 'import.csv');
    xhr.send(form);
  });
}
