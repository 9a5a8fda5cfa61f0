// Which agents need the person (issue 19 §3): the workspaces whose agent waits, in the order they
// started waiting; the next one to jump to; and what a `session_state_changed` event changes —
// the session's activity, and a notice only on entering `waiting` or on a turn finishing
// (working → idle), never again while the same wait goes on (a new reason is not a new wait).
// Plain functions over the store's State, unit-tested without a browser.
import type { Applied, State } from "./store";
import type { Activity, Session, Workspace } from "./types";

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** The activity of a live session (null once it has ended or when the daemon sent none). */
export function liveActivity(session: Session | undefined): Activity | null {
  if (!session || (session.status !== "running" && session.status !== "starting")) return null;
  return session.activity ?? null;
}

export function isWaiting(state: State, workspaceId: string): boolean {
  return liveActivity(state.sessions[workspaceId])?.state === "waiting";
}

/** The workspaces whose agent waits for the person, the longest wait first. */
export function waitingWorkspaces(state: State): Workspace[] {
  const since = (w: Workspace) => liveActivity(state.sessions[w.id])?.since ?? 0;
  return state.workspaces.filter((w) => isWaiting(state, w.id)).sort((a, b) => since(a) - since(b));
}

/** The waiting workspace after the focused one (in waitingWorkspaces order, wrapping), or null. */
export function nextWaiting(state: State): string | null {
  const waiting = waitingWorkspaces(state);
  if (waiting.length === 0) return null;
  const at = waiting.findIndex((w) => w.id === state.focusedId);
  return waiting[(at + 1) % waiting.length]!.id;
}

/** "wants to run `rm -rf build`", else what it waits for ("Waiting for permission"). */
export function waitingText(activity: Activity): string {
  if (activity.reason) return activity.reason;
  return activity.waitingFor ? `Waiting for ${activity.waitingFor}` : "Waiting for you";
}

/** The activity a `session_state_changed` event's data describes, or null when malformed. */
function activityFrom(d: Record<string, unknown>): Activity | null {
  const state = str(d["state"]);
  if (!state) return null;
  const since = d["since"];
  return {
    state,
    waitingFor: str(d["waitingFor"]),
    reason: str(d["reason"]),
    source: str(d["source"]) ?? "",
    since: typeof since === "number" && Number.isFinite(since) ? since : Date.now(),
  };
}

/**
 * Applies `session_state_changed` to the workspace's session (other sessions of the workspace,
 * e.g. command sessions, are not what its list shows). `background`: the person is not looking
 * at this workspace (another one is focused, or the page is hidden).
 */
export function applyStateChange(
  state: State,
  workspaceId: string,
  d: Record<string, unknown>,
  background: boolean,
): Applied {
  const current = state.sessions[workspaceId];
  const activity = activityFrom(d);
  if (!current || !activity || current.id !== str(d["sessionId"])) return { state, notice: null };
  const before = str(d["previousState"]) ?? current.activity?.state ?? null;
  const sessions = { ...state.sessions, [workspaceId]: { ...current, activity } };
  let next: State = { ...state, sessions };
  const entersWait = activity.state === "waiting" && before !== "waiting";
  const turnDone = activity.state === "idle" && before === "working";
  if (!background || (!entersWait && !turnDone)) return { state: next, notice: null };
  if (entersWait) next = { ...next, attention: { ...next.attention, [workspaceId]: "waiting" } };
  const title = state.workspaces.find((w) => w.id === workspaceId)?.name ?? "A workspace";
  const body = entersWait ? waitingText(activity) : "The agent finished its turn";
  return { state: next, notice: { workspaceId, title, body } };
}
