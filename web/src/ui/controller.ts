// The app's actions: loading from the REST API, the main WebSocket feeding the store, and the
// things a person does (add, create, start, stop, delete). Components call these and read the
// store; nothing else changes state.
import { ApiError, api } from "../lib/api";
import { reviewApi } from "../lib/review_api";
import { EventClient } from "../lib/events";
import { browserSchedule, browserSocket, socketUrl } from "../lib/socket";
import { linkedWorkspace, workspaceHash } from "../lib/route";
import { nextWaiting } from "../lib/attention";
import { Store, applyEvent, focus, pageTitle, orderedWorkspaces } from "../lib/store";
import type { ServerEvent, Session, Workspace } from "../lib/types";
import { showNotice } from "./notify";

export const store = new Store();

/** Refetch everything now and then too: events starved by a flooding terminal catch up here. */
const REFRESH_MS = 15000;

const events = new EventClient(
  // Under /api so that the Vite dev server, which forwards /api, carries it too.
  socketUrl("/api/ws"),
  {
    event: (e) => {
      applyServerEvent(e);
      if (e.type === "workspace_deleted") syncSubscriptions(store.get().workspaces);
      if (e.type === "session_completed" || e.type === "workspace_status_changed") {
        const id = e.data["workspaceId"];
        if (typeof id === "string") void loadSession(id);
      }
      // A state of a session this page does not know yet (started from the CLI): load it.
      if (e.type === "session_state_changed") {
        const id = e.data["workspaceId"];
        const known = typeof id === "string" ? store.get().sessions[id] : undefined;
        if (typeof id === "string" && (!known || known.id !== e.data["sessionId"]))
          void loadSession(id);
      }
    },
    state: (connection) => {
      store.update((s) => ({ ...s, connection }));
      if (connection === "open") void refresh();
    },
  },
  browserSocket,
  browserSchedule,
);

function syncSubscriptions(workspaces: Workspace[]): void {
  const ids = new Set(workspaces.map((w) => w.id));
  for (const id of events.subscribed()) if (!ids.has(id)) events.unsubscribe(id);
  // The daemon allows 50 subscriptions per connection: the most recently focused win.
  const byFocus = [...workspaces].sort((a, b) => (b.lastFocusedAt ?? 0) - (a.lastFocusedAt ?? 0));
  const focused = store.get().focusedId;
  const wanted = byFocus.slice(0, 49).map((w) => w.id);
  if (focused && !wanted.includes(focused)) wanted.push(focused);
  for (const id of wanted) events.subscribe(id);
}

/** The newest agent session of a workspace into the store. */
export async function loadSession(workspaceId: string): Promise<Session | undefined> {
  const list = await api.sessions(workspaceId).catch(() => null);
  if (!list) return undefined;
  const newest = list[0];
  store.update((s) => ({
    ...s,
    sessions: { ...s.sessions, [workspaceId]: newest },
    revision: { ...s.revision, [workspaceId]: (s.revision[workspaceId] ?? 0) + 1 },
  }));
  if (newest && (newest.status === "running" || newest.status === "starting")) {
    // Ports opened before this page subscribed: the same shape as `port_opened`.
    const ports = await api.sessionPorts(newest.id).catch(() => []);
    for (const data of ports) applyServerEvent({ type: "port_opened", data });
  }
  return newest;
}

/**
 * The activity of every live session in one request: the page follows the events of at most 49
 * workspaces, so the others' waits show up here (every REFRESH_MS) rather than never.
 */
async function refreshActivity(): Promise<void> {
  const live = await api.liveSessions().catch(() => null);
  if (!live) return;
  store.update((s) => {
    let sessions = s.sessions;
    for (const fresh of live) {
      const known = sessions[fresh.workspaceId];
      if (!known || known.id !== fresh.id || !fresh.activity) continue;
      const a = known.activity;
      const b = fresh.activity;
      if (a && a.state === b.state && a.since === b.since && a.reason === b.reason) continue;
      sessions = { ...sessions, [fresh.workspaceId]: { ...known, activity: fresh.activity } };
    }
    return sessions === s.sessions ? s : { ...s, sessions };
  });
}

function applyServerEvent(e: ServerEvent): void {
  const { state, notice } = applyEvent(store.get(), e, document.visibilityState === "visible");
  store.set(state);
  if (notice) showNotice(notice, () => focusWorkspace(notice.workspaceId));
}

/**
 * Reloads repositories, workspaces and agents; then the sessions of every workspace (`all`, after
 * a (re)connection) or only of those that changed since the last look and the focused one.
 */
export async function refresh(all = true): Promise<void> {
  try {
    const [repositories, workspaces, agents] = await Promise.all([
      api.repositories(),
      api.workspaces(),
      api.agents(),
    ]);
    const before = new Map(store.get().workspaces.map((w) => [w.id, w]));
    store.update((s) => {
      const focusedId =
        s.focusedId && workspaces.some((w) => w.id === s.focusedId) ? s.focusedId : null;
      return { ...s, loaded: true, problem: null, repositories, workspaces, agents, focusedId };
    });
    syncSubscriptions(workspaces);
    void refreshArchived();
    const focusedId = store.get().focusedId;
    const stale = workspaces.filter((w) => {
      const old = before.get(w.id);
      return all || w.id === focusedId || !old || old.status !== w.status || old.updatedAt !== w.updatedAt;
    });
    await Promise.all(stale.map((w) => loadSession(w.id)));
    await refreshActivity();
  } catch (e) {
    const problem =
      e instanceof ApiError && (e.status === 401 || e.status === 403)
        ? "login"
        : e instanceof Error
          ? e.message
          : String(e);
    store.update((s) => ({ ...s, problem }));
  }
}

/** The archived workspaces for the sidebar (none from a daemon without archiving). */
async function refreshArchived(): Promise<void> {
  const archived = await reviewApi.archived().catch(() => null);
  if (!archived) return;
  // An older daemon ignores ?archived=1 and lists the live ones: keep only archived ones.
  const only = archived.filter((w) => typeof w.archivedAt === "number");
  store.update((s) => ({ ...s, archived: only }));
}

/** Archives a workspace (issue 20): it leaves the list for the archived section. */
export async function archiveWorkspace(id: string, deleteBranch: boolean): Promise<void> {
  await reviewApi.archive(id, deleteBranch);
  await leaveWorkspace(id);
}

/** A workspace archived (by this page or by a merge with `archive`): unfocus it and reload. */
export async function leaveWorkspace(id: string): Promise<void> {
  if (store.get().focusedId === id) focusWorkspace(null);
  await refresh(false);
}

export async function unarchiveWorkspace(id: string): Promise<void> {
  await reviewApi.unarchive(id);
  await refresh(false);
  focusWorkspace(id);
}

/** After a ship action: the workspace's branch status and lists are stale. */
export function shipChanged(workspaceId: string): void {
  store.update((s) => ({
    ...s,
    shipRevision: { ...s.shipRevision, [workspaceId]: (s.shipRevision[workspaceId] ?? 0) + 1 },
    revision: { ...s.revision, [workspaceId]: (s.revision[workspaceId] ?? 0) + 1 },
  }));
  void refresh(false);
}

export function start(): void {
  events.start();
  // Also without the socket: a refused login shows up here (the upgrade only says "closed").
  void refresh();
  store.subscribe((s) => {
    document.title = pageTitle(s);
  });
  const tick = () => {
    void refresh(false);
    setTimeout(tick, REFRESH_MS);
  };
  setTimeout(tick, REFRESH_MS);
  // A deep link (`parawork ws open`, a reload): focused now, kept by `refresh` once the list
  // has it. Another link opened in this tab changes only the hash.
  const followLink = () => {
    const linked = linkedWorkspace(location.hash, location.search);
    if (linked && linked !== store.get().focusedId) focusWorkspace(linked);
  };
  followLink();
  window.addEventListener("hashchange", followLink);
}

export function focusWorkspace(id: string | null): void {
  store.update((s) => focus(s, id));
  // The address names the focused workspace, so a reload comes back to it.
  const url = new URL(location.href);
  url.searchParams.delete("workspace");
  url.hash = workspaceHash(id);
  history.replaceState(null, "", url);
  if (id) {
    events.send("focus_workspace", { workspaceId: id });
    void api.focusWorkspace(id).catch(() => undefined);
    void api
      .dependencies(id)
      .then((data) => applyServerEvent({ type: "dependency_status", data: { ...data, workspaceId: id } }))
      .catch(() => undefined);
  }
}

/** Alt+J and the "n need you" counter: the next workspace whose agent waits for the person. */
export function focusNextWaiting(): void {
  const id = nextWaiting(store.get());
  if (id) focusWorkspace(id);
}

/** Ctrl/Cmd+N: the Nth workspace in sidebar order. */
export function focusNth(n: number): void {
  const w = orderedWorkspaces(store.get())[n];
  if (w) focusWorkspace(w.id);
}

export async function addRepository(name: string, path: string): Promise<void> {
  await api.addRepository(name, path);
  await refresh(false);
}

export async function deleteRepository(id: string): Promise<void> {
  await api.deleteRepository(id);
  await refresh(false);
}

export async function createWorkspace(input: {
  repositoryId: string;
  name: string;
  baseBranch: string;
  agentType: string;
  prompt: string;
}): Promise<void> {
  const repo = store.get().repositories.find((r) => r.id === input.repositoryId);
  if (!repo) throw new Error("Choose a repository");
  const body: Parameters<typeof api.createWorkspace>[0] = {
    name: input.name,
    path: repo.path,
    repositoryId: repo.id,
  };
  if (input.baseBranch) body.baseBranch = input.baseBranch;
  if (input.agentType) body.agentType = input.agentType;
  const ws = await api.createWorkspace(body);
  store.update((s) => ({ ...s, workspaces: [...s.workspaces, ws] }));
  syncSubscriptions(store.get().workspaces);
  focusWorkspace(ws.id);
  if (input.agentType) await startAgent(ws.id, input.agentType, input.prompt);
}

export async function deleteWorkspace(id: string): Promise<void> {
  await api.deleteWorkspace(id);
  if (store.get().focusedId === id) focusWorkspace(null);
  await refresh(false);
}

export async function startAgent(workspaceId: string, agentType: string, prompt: string) {
  const session = await api.startSession(workspaceId, agentType, prompt.trim() || undefined);
  store.update((s) => ({ ...s, sessions: { ...s.sessions, [workspaceId]: session } }));
  void refresh(false);
}

export async function stopAgent(session: Session): Promise<void> {
  await api.stopSession(session.id);
}

export async function resumeAgent(session: Session): Promise<void> {
  const next = await api.resumeSession(session.id);
  store.update((s) => ({ ...s, sessions: { ...s.sessions, [session.workspaceId]: next } }));
}
