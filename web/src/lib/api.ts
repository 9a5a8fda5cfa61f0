// The REST client: one request function that unwraps parawork's `{success, data}` envelope and
// turns every failure into an ApiError with the daemon's own message.
import type {
  AgentLog,
  AgentProfile,
  BrowseResult,
  HistoryItem,
  Message,
  Repository,
  Session,
  Workspace,
  WorkspaceDiff,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Unwraps the envelope; `status` is only used for the error message. */
export function unwrapEnvelope<T>(status: number, body: unknown): T {
  if (isRecord(body) && body["success"] === true) return body["data"] as T;
  const message =
    isRecord(body) && typeof body["error"] === "string" ? body["error"] : `HTTP ${status}`;
  throw new ApiError(status, message);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = {
    method,
    credentials: "same-origin",
    headers: body === undefined ? { Accept: "application/json" } : {
      Accept: "application/json",
      "Content-Type": "application/json",
    },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The daemon does not answer");
  }
  const parsed: unknown = res.headers.get("content-type")?.includes("json")
    ? await res.json().catch(() => undefined)
    : undefined;
  return unwrapEnvelope<T>(res.status, parsed);
}

const enc = encodeURIComponent;

export const api = {
  repositories: () => request<Repository[]>("GET", "/api/repositories"),
  addRepository: (name: string, path: string) =>
    request<Repository>("POST", "/api/repositories", { name, path }),
  deleteRepository: (id: string) => request<unknown>("DELETE", `/api/repositories/${enc(id)}`),
  branches: (repoId: string) =>
    request<{ defaultBranch: string; branches: string[] }>(
      "GET",
      `/api/repositories/${enc(repoId)}/branches`,
    ),
  workspaces: () => request<Workspace[]>("GET", "/api/workspaces"),
  createWorkspace: (body: {
    name: string;
    path: string;
    repositoryId: string;
    baseBranch?: string;
    agentType?: string;
  }) => request<Workspace>("POST", "/api/workspaces", body),
  deleteWorkspace: (id: string) => request<unknown>("DELETE", `/api/workspaces/${enc(id)}`),
  focusWorkspace: (id: string) =>
    request<Workspace>("PATCH", `/api/workspaces/${enc(id)}`, { lastFocusedAt: Date.now() }),
  agents: () => request<AgentProfile[]>("GET", "/api/agents"),
  /** Every live session of every workspace (kinds mixed), for their activity. */
  liveSessions: () => request<Session[]>("GET", "/api/sessions"),
  sessions: (workspaceId: string) =>
    request<Session[]>("GET", `/api/workspaces/${enc(workspaceId)}/sessions`),
  history: (workspaceId: string) =>
    request<HistoryItem[]>("GET", `/api/workspaces/${enc(workspaceId)}/sessions/history`),
  startSession: (workspaceId: string, agentType: string, initialPrompt?: string) =>
    request<Session>(
      "POST",
      `/api/workspaces/${enc(workspaceId)}/sessions`,
      initialPrompt ? { agentType, initialPrompt } : { agentType },
    ),
  stopSession: (id: string) => request<Session>("POST", `/api/sessions/${enc(id)}/stop`),
  resumeSession: (id: string) => request<Session>("POST", `/api/sessions/${enc(id)}/resume`),
  logs: (sessionId: string, limit: number) =>
    request<AgentLog[]>("GET", `/api/sessions/${enc(sessionId)}/logs?limit=${limit}`),
  messages: (sessionId: string) =>
    request<Message[]>("GET", `/api/sessions/${enc(sessionId)}/messages`),
  openTerminal: (workspaceId: string, cols: number, rows: number) =>
    request<{ terminalId: string; existing: boolean }>(
      "POST",
      `/api/workspaces/${enc(workspaceId)}/terminal`,
      { cols, rows },
    ),
  closeTerminal: (workspaceId: string) =>
    request<null>("DELETE", `/api/workspaces/${enc(workspaceId)}/terminal`),
  terminal: (workspaceId: string) =>
    request<{ terminalId?: string; active: boolean }>(
      "GET",
      `/api/workspaces/${enc(workspaceId)}/terminal`,
    ),
  diff: (workspaceId: string, path?: string) =>
    request<WorkspaceDiff>(
      "GET",
      `/api/workspaces/${enc(workspaceId)}/diff${path ? `?path=${enc(path)}` : ""}`,
    ),
  /** The session's ports, each shaped like a `port_opened` event's data. */
  sessionPorts: (sessionId: string) =>
    request<Record<string, unknown>[]>("GET", `/api/sessions/${enc(sessionId)}/ports`),
  /** The workspace's dependency report, shaped like a `dependency_status` event's data. */
  dependencies: (workspaceId: string) =>
    request<Record<string, unknown>>("GET", `/api/workspaces/${enc(workspaceId)}/dependencies`),
  browse: (path?: string) =>
    request<BrowseResult>("GET", `/api/fs/browse${path ? `?path=${enc(path)}` : ""}`),
};
