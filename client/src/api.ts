/** HTTP calls to the server. Errors come back as ApiError with the server's code and details. */
import type {
  Alert,
  IngestReport,
  Launch,
  LaunchInput,
  LaunchReview,
  LaunchSnapshot,
  LaunchSummary,
  DrillScoreSheet,
  ReplayInfo,
  ReplaySpeed,
  RunSheetTask,
  RunSheetTaskInput,
  RunSheetTick,
  SimulationInput,
  Targets,
  WhatIfInput,
  WhatIfResult,
} from '@warroom/shared';
import { kioskHeaders } from './auth/kiosk';
import { sessionRefused } from './auth/session';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

/** The server's `{error: {code, message, details}}` as an ApiError (a 401 also ends the session). */
export function apiError(res: { status: number; statusText: string }, json: unknown): ApiError {
  const err = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  if (res.status === 401) sessionRefused();
  return new ApiError(err?.message ?? res.statusText, res.status, err?.code ?? 'http', err?.details);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { ...kioskHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page: the status says enough.
  }
  if (!res.ok) throw apiError(res, json);
  return json as T;
}

export interface ForecastPreviewPoint {
  minute: number;
  uv: number;
  units: number;
  gmv: number;
}

export const api = {
  launches: () => request<LaunchSummary[]>('GET', '/api/launches'),
  createLaunch: (input: LaunchInput) => request<Launch>('POST', '/api/launches', input),
  /** Replaces a launch's settings (a whole LaunchInput); the server re-evaluates its alerts. */
  updateLaunch: (launchId: string, input: LaunchInput) =>
    request<Launch>('PUT', `/api/launches/${encodeURIComponent(launchId)}`, input),
  alerts: (status: 'open' | 'acknowledged' | 'cleared' | 'all' = 'all') =>
    request<Alert[]>('GET', `/api/alerts?status=${status}`),
  /** Recorded under the logged-in person's display name (the server ignores a typed `by`). */
  ack: (alertId: string, body: { action?: string; note?: string }) =>
    request<Alert>('POST', `/api/alerts/${encodeURIComponent(alertId)}/ack`, body),
  startSimulation: (input: SimulationInput) =>
    request<{ simulationId: string; launchId: string }>('POST', '/api/simulations', input),
  forecastPreview: (input: {
    startAt: string;
    timezone?: string;
    durationMinutes?: number;
    targets: Targets;
  }) => request<{ forecast: ForecastPreviewPoint[] }>('POST', '/api/forecast/preview', input),
  startReplay: (launchId: string, speed: ReplaySpeed, trainee?: string) =>
    request<{ replayId: string; info: ReplayInfo }>('POST', '/api/replays', {
      launchId,
      speed,
      ...(trainee ? { drill: { trainee } } : {}),
    }),
  replay: (replayId: string) =>
    request<{ info: ReplayInfo; snapshot: LaunchSnapshot }>(
      'GET',
      `/api/replays/${encodeURIComponent(replayId)}`,
    ),
  replayControl: (
    replayId: string,
    control: 'pause' | 'resume' | 'step' | 'end' | 'seek' | 'speed',
    body: object = {},
  ) => request<{ info: ReplayInfo }>('POST', `/api/replays/${encodeURIComponent(replayId)}/${control}`, body),
  replayAck: (replayId: string, alertId: string, body: { by?: string; action?: string; note?: string }) =>
    request<Alert>(
      'POST',
      `/api/replays/${encodeURIComponent(replayId)}/alerts/${encodeURIComponent(alertId)}/ack`,
      body,
    ),
  replayScore: (replayId: string) =>
    request<DrillScoreSheet>('GET', `/api/replays/${encodeURIComponent(replayId)}/score`),
  review: (launchId: string) =>
    request<LaunchReview>('GET', `/api/launches/${encodeURIComponent(launchId)}/review`),
  launch: (launchId: string) =>
    request<LaunchSnapshot>('GET', `/api/launches/${encodeURIComponent(launchId)}`),
  /** A stored launch re-evaluated with other settings: hypothetical, nothing is stored. */
  whatIf: (launchId: string, input: WhatIfInput) =>
    request<WhatIfResult>('POST', `/api/launches/${encodeURIComponent(launchId)}/what-if`, input),
  putRunSheet: (launchId: string, tasks: RunSheetTaskInput[]) =>
    request<{ runSheet: RunSheetTask[] }>(
      'PUT',
      `/api/launches/${encodeURIComponent(launchId)}/run-sheet`,
      tasks,
    ),
  tickOff: (launchId: string, taskId: string, by: string) =>
    request<RunSheetTick>(
      'POST',
      `/api/launches/${encodeURIComponent(launchId)}/run-sheet/${encodeURIComponent(taskId)}/done`,
      { by },
    ),
  postReadings: (launchId: string, readings: unknown) =>
    request<IngestReport>('POST', `/api/launches/${encodeURIComponent(launchId)}/readings`, readings),
};
