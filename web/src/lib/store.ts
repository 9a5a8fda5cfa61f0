// The one store of the UI (STYLE §21): plain data, changed only through `applyEvent` and the
// setters below, observed through `subscribe`. `applyEvent` is a pure function of (state, event)
// so the unit tests drive it without a browser.
import type {
  AgentProfile,
  DependencyProject,
  DependencySummary,
  Port,
  PullRequest,
  Repository,
  ResourceSample,
  ServerEvent,
  Session,
  Workspace,
} from "./types";
import type { ConnectionState } from "./events";
import { applyStateChange, waitingWorkspaces } from "./attention";

/** Keep this many resource samples per session for the sparkline. */
export const MAX_SAMPLES = 120;

export interface State {
  connection: ConnectionState;
  loaded: boolean;
  /** Why the last refresh failed (not logged in, daemon down), or null. */
  problem: string | null;
  repositories: Repository[];
  workspaces: Workspace[];
  agents: AgentProfile[];
  focusedId: string | null;
  /** The newest agent session of each workspace (what its centre shows). */
  sessions: Record<string, Session | undefined>;
  ports: Record<string, Port[]>;
  /** By session id. */
  resources: Record<string, ResourceSample[]>;
  dependencies: Record<string, DependencySummary>;
  /** Workspaces with something the person has not seen: "finished" or "waiting". */
  attention: Record<string, "finished" | "failed" | "waiting">;
  /** Bumped when a workspace's session list or history should be refetched. */
  revision: Record<string, number>;
  /** Bumped when a workspace's review comments changed (`review_comments_changed`). */
  reviewRevision: Record<string, number>;
  /** Bumped when its branch, checkpoints or pull request changed: refetch the branch status. */
  shipRevision: Record<string, number>;
  /** Archived workspaces (GET /api/workspaces?archived=1), listed apart in the sidebar. */
  archived: Workspace[];
}

export function initialState(): State {
  return {
    connection: "connecting",
    loaded: false,
    problem: null,
    repositories: [],
    workspaces: [],
    agents: [],
    focusedId: null,
    sessions: {},
    ports: {},
    resources: {},
    dependencies: {},
    attention: {},
    revision: {},
    reviewRevision: {},
    shipRevision: {},
    archived: [],
  };
}

/** What the app should tell the person about an event (a browser notification). */
export interface Notice {
  workspaceId: string;
  title: string;
  body: string;
}

export interface Applied {
  state: State;
  notice: Notice | null;
}

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Statuses other issues may add for an agent that waits for the person. */
export function isWaitingStatus(status: string): boolean {
  return status === "waiting" || status === "waiting_for_input" || status === "needs_input";
}

function bump(state: State, workspaceId: string, key: "revision" | "reviewRevision" | "shipRevision" = "revision") {
  const counts = state[key];
  return { ...counts, [workspaceId]: (counts[workspaceId] ?? 0) + 1 };
}

/** A `pull_request_changed` event: the workspace's new pull request (null: none any more). */
function withPullRequest(state: State, workspaceId: string, pr: unknown): State {
  const pullRequest = typeof pr === "object" && pr !== null ? (pr as PullRequest) : null;
  return {
    ...state,
    workspaces: state.workspaces.map((w) => (w.id === workspaceId ? { ...w, pullRequest } : w)),
    shipRevision: bump(state, workspaceId, "shipRevision"),
  };
}

function workspaceName(state: State, id: string): string {
  return state.workspaces.find((w) => w.id === id)?.name ?? "A workspace";
}

/** A background workspace (not the focused one, or any while the tab is hidden) gets a badge. */
function flag(
  state: State,
  workspaceId: string,
  kind: State["attention"][string],
  inBackground: boolean,
): State["attention"] {
  if (!inBackground) return state.attention;
  return { ...state.attention, [workspaceId]: kind };
}

/** The state without a workspace that is gone (deleted from another tab, the CLI or an agent). */
function withoutWorkspace(state: State, workspaceId: string): State {
  const drop = <T>(byWorkspace: Record<string, T>): Record<string, T> => {
    const { [workspaceId]: _gone, ...rest } = byWorkspace;
    return rest;
  };
  return {
    ...state,
    workspaces: state.workspaces.filter((w) => w.id !== workspaceId),
    focusedId: state.focusedId === workspaceId ? null : state.focusedId,
    sessions: drop(state.sessions),
    ports: drop(state.ports),
    dependencies: drop(state.dependencies),
    attention: drop(state.attention),
    revision: drop(state.revision),
    reviewRevision: drop(state.reviewRevision),
    shipRevision: drop(state.shipRevision),
  };
}

/**
 * Applies one server event. `pageVisible`: whether the person is looking at the page, so a
 * finish in the focused workspace of a hidden tab still notifies.
 */
export function applyEvent(state: State, e: ServerEvent, pageVisible: boolean): Applied {
  const d = e.data;
  const workspaceId = str(d["workspaceId"]);
  if (!workspaceId) return { state, notice: null };
  const background = !pageVisible || state.focusedId !== workspaceId;
  switch (e.type) {
    case "workspace_deleted":
      return { state: withoutWorkspace(state, workspaceId), notice: null };
    case "workspace_status_changed": {
      const status = str(d["status"]);
      if (!status) break;
      const workspaces = state.workspaces.map((w) =>
        w.id === workspaceId ? { ...w, status, updatedAt: num(d["timestamp"]) ?? w.updatedAt } : w,
      );
      if (isWaitingStatus(status)) {
        return {
          state: { ...state, workspaces, attention: flag(state, workspaceId, "waiting", background) },
          notice: background
            ? { workspaceId, title: workspaceName(state, workspaceId), body: "Waiting for input" }
            : null,
        };
      }
      return { state: { ...state, workspaces }, notice: null };
    }
    case "session_completed": {
      const sessionId = str(d["sessionId"]);
      const success = d["success"] === true;
      const current = state.sessions[workspaceId];
      const sessions =
        current && current.id === sessionId
          ? {
              ...state.sessions,
              [workspaceId]: {
                ...current,
                status: success ? ("completed" as const) : ("failed" as const),
                completedAt: num(d["timestamp"]),
                exitCode: num(d["exitCode"]),
                exitReason: str(d["exitReason"]),
              },
            }
          : state.sessions;
      const ports = { ...state.ports };
      ports[workspaceId] = (ports[workspaceId] ?? []).filter((p) => p.sessionId !== sessionId);
      const kind = success ? "finished" : "failed";
      return {
        state: {
          ...state,
          sessions,
          ports,
          attention: flag(state, workspaceId, kind, background),
          revision: bump(state, workspaceId),
        },
        notice: background
          ? {
              workspaceId,
              title: workspaceName(state, workspaceId),
              body: success ? "The agent finished" : "The agent failed",
            }
          : null,
      };
    }
    case "session_state_changed":
      return applyStateChange(state, workspaceId, d, background);
    case "session_ready": {
      const current = state.sessions[workspaceId];
      const readyAt = num(d["readyAt"]) ?? num(d["timestamp"]);
      if (!current || current.id !== str(d["sessionId"]) || readyAt === null) break;
      return {
        state: { ...state, sessions: { ...state.sessions, [workspaceId]: { ...current, readyAt } } },
        notice: null,
      };
    }
    case "port_opened": {
      const sessionId = str(d["sessionId"]);
      const port = num(d["port"]);
      if (!sessionId || port === null) break;
      const rest = (state.ports[workspaceId] ?? []).filter(
        (p) => !(p.sessionId === sessionId && p.port === port),
      );
      const entry: Port = { sessionId, workspaceId, port };
      const url = str(d["url"]);
      if (url) entry.url = url;
      const st = str(d["state"]);
      if (st) entry.state = st;
      const list = [...rest, entry].sort((a, b) => a.port - b.port);
      return { state: { ...state, ports: { ...state.ports, [workspaceId]: list } }, notice: null };
    }
    case "port_closed": {
      const sessionId = str(d["sessionId"]);
      const port = num(d["port"]);
      const list = (state.ports[workspaceId] ?? []).filter(
        (p) => !(p.sessionId === sessionId && p.port === port),
      );
      return { state: { ...state, ports: { ...state.ports, [workspaceId]: list } }, notice: null };
    }
    case "resource_sample": {
      const key = str(d["sessionId"]) ?? workspaceId;
      const sample: ResourceSample = {
        timestamp: num(d["timestamp"]) ?? Date.now(),
        cpuPercent: num(d["cpuPercent"]),
        memoryMb: num(d["memoryMb"]),
      };
      const samples = [...(state.resources[key] ?? []), sample].slice(-MAX_SAMPLES);
      return {
        state: { ...state, resources: { ...state.resources, [key]: samples } },
        notice: null,
      };
    }
    case "dependency_status": {
      const status = str(d["status"]);
      if (!status) break;
      const raw = Array.isArray(d["projects"]) ? (d["projects"] as unknown[]) : [];
      const projects: DependencyProject[] = [];
      for (const item of raw) {
        if (typeof item !== "object" || item === null) continue;
        const p = item as Record<string, unknown>;
        const dir = str(p["directory"]);
        const name = `${str(p["ecosystem"]) ?? "project"}${dir && dir !== "." ? ` (${dir})` : ""}`;
        const entry: DependencyProject = { name, status: str(p["state"]) ?? "unknown" };
        const reason = str(p["reason"]);
        if (reason) entry.message = reason;
        projects.push(entry);
      }
      return {
        state: {
          ...state,
          dependencies: { ...state.dependencies, [workspaceId]: { status, projects } },
        },
        notice: null,
      };
    }
    case "file_changed":
      return { state: { ...state, revision: bump(state, workspaceId) }, notice: null };
    case "review_comments_changed":
      return { state: { ...state, reviewRevision: bump(state, workspaceId, "reviewRevision") }, notice: null };
    case "checkpoint_created":
      return { state: { ...state, shipRevision: bump(state, workspaceId, "shipRevision") }, notice: null };
    case "pull_request_changed":
      return { state: withPullRequest(state, workspaceId, d["pullRequest"]), notice: null };
  }
  return { state, notice: null };
}

/** Focusing a workspace clears its badge. */
export function focus(state: State, workspaceId: string | null): State {
  if (workspaceId === null) return { ...state, focusedId: null };
  const attention = { ...state.attention };
  delete attention[workspaceId];
  return { ...state, focusedId: workspaceId, attention };
}

/** The tab title: the number of workspaces that want attention, then the focused one. */
export function pageTitle(state: State): string {
  const count = Object.keys(state.attention).length;
  const focused = state.workspaces.find((w) => w.id === state.focusedId);
  const base = focused ? `${focused.name} · parawork` : "parawork";
  return count > 0 ? `(${count}) ${base}` : base;
}

/**
 * Workspaces in sidebar order (Ctrl+1…9 follows it): those whose agent waits for the person first,
 * the longest wait first; then the others by repository name, then oldest first.
 */
export function orderedWorkspaces(state: State): Workspace[] {
  const waiting = waitingWorkspaces(state);
  const waitingIds = new Set(waiting.map((w) => w.id));
  const repoName = new Map(state.repositories.map((r) => [r.id, r.name]));
  const key = (w: Workspace) => (w.repositoryId ? (repoName.get(w.repositoryId) ?? "\uffff") : "\uffff");
  const rest = state.workspaces
    .filter((w) => !waitingIds.has(w.id))
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return ka < kb ? -1 : 1;
      return a.createdAt - b.createdAt;
    });
  return [...waiting, ...rest];
}

export type Listener = (s: State) => void;

export class Store {
  private state: State = initialState();
  private readonly listeners = new Set<Listener>();

  get(): State {
    return this.state;
  }

  set(next: State): void {
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l(next);
  }

  update(fn: (s: State) => State): void {
    this.set(fn(this.state));
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}
