/** HTTP calls to the server. Errors come back as ApiError with the server's code and details. */
import type {
  Alert,
  Incident,
  GroupInput,
  GroupListItem,
  GroupReview,
  GroupRunSheetRow,
  GroupView,
  IngestReport,
  Launch,
  LaunchInput,
  LaunchReview,
  SavedLaunchAnswer,
  LaunchSnapshot,
  LaunchSnapshotAnswer,
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
import type { Lang } from './i18n';
import { useStore } from './store';

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

const ACCEPT_LANGUAGE: Record<Lang, string> = { zh: 'zh-CN', en: 'en' };

/**
 * What every request to the server carries: a kiosk's token, and the language the UI is in, which
 * the server writes its error messages in.
 */
export function requestHeaders(): Record<string, string> {
  return { ...kioskHeaders(), 'accept-language': ACCEPT_LANGUAGE[useStore.getState().ui.lang] };
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...requestHeaders(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
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
  /** The new launch without its per-minute curves (a year-long one's are tens of megabytes). */
  createLaunch: (input: LaunchInput) =>
    request<SavedLaunchAnswer>('POST', '/api/launches', input, { prefer: 'return=minimal' }),
  /** Replaces a launch's settings (a whole LaunchInput); the server re-evaluates its alerts. */
  updateLaunch: (launchId: string, input: LaunchInput) =>
    request<Launch>('PUT', `/api/launches/${encodeURIComponent(launchId)}`, input),
  alerts: (status: 'open' | 'acknowledged' | 'cleared' | 'all' = 'all') =>
    request<Alert[]>('GET', `/api/alerts?status=${status}`),
  /** A launch's incidents, open first (each with every checkpoint's look at it). */
  incidents: (launchId: string) =>
    request<Incident[]>('GET', `/api/incidents?status=all&launchId=${encodeURIComponent(launchId)}`),
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
  /** The launch as a screen draws it, without its per-minute curve. */
  launch: (launchId: string) =>
    request<LaunchSnapshotAnswer>('GET', `/api/launches/${encodeURIComponent(launchId)}`),
  /** The same with the launch's whole curve (the launch form edits it). */
  launchWithForecast: (launchId: string) =>
    request<LaunchSnapshot>('GET', `/api/launches/${encodeURIComponent(launchId)}?include=forecast`),
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
  groups: () => request<GroupListItem[]>('GET', '/api/groups'),
  group: (groupId: string) => request<GroupView>('GET', `/api/groups/${encodeURIComponent(groupId)}`),
  createGroup: (input: GroupInput) => request<GroupView>('POST', '/api/groups', input),
  updateGroup: (groupId: string, input: GroupInput) =>
    request<GroupView>('PUT', `/api/groups/${encodeURIComponent(groupId)}`, input),
  deleteGroup: (groupId: string) => request<null>('DELETE', `/api/groups/${encodeURIComponent(groupId)}`),
  groupRunSheet: (groupId: string) =>
    request<GroupRunSheetRow[]>('GET', `/api/groups/${encodeURIComponent(groupId)}/run-sheet`),
  groupReview: (groupId: string) =>
    request<GroupReview>('GET', `/api/groups/${encodeURIComponent(groupId)}/review`),
  postReadings: (launchId: string, readings: unknown) =>
    request<IngestReport>('POST', `/api/launches/${encodeURIComponent(launchId)}/readings`, readings),
};
