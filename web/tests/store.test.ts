// The store's event reducer: statuses, badges, notifications, ports, resources, dependencies.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_SAMPLES,
  Store,
  applyEvent,
  focus,
  initialState,
  orderedWorkspaces,
  pageTitle,
  type State,
} from "../src/lib/store";
import type { Session } from "../src/lib/types";
import { workspace } from "./fixtures";

function session(id: string, workspaceId: string): Session {
  return { id, workspaceId, agentType: "sh", status: "running", processId: 1, startedAt: 1000, completedAt: null };
}

function withTwo(): State {
  const s = initialState();
  return focus(
    {
      ...s,
      workspaces: [workspace("a", "Alpha", null, 1), workspace("b", "Beta", null, 2)],
      sessions: { a: session("sa", "a"), b: session("sb", "b") },
    },
    "a",
  );
}

const ev = (type: string, data: Record<string, unknown>) => ({ type, data });

test("a background agent finishing flags its workspace, notifies, and updates the session", () => {
  const { state, notice } = applyEvent(
    withTwo(),
    ev("session_completed", { sessionId: "sb", workspaceId: "b", success: true, timestamp: 5, exitCode: 0 }),
    true,
  );
  assert.equal(state.attention["b"], "finished");
  assert.deepEqual(notice, { workspaceId: "b", title: "Beta", body: "The agent finished" });
  assert.equal(state.sessions["b"]?.status, "completed");
  assert.equal(state.sessions["b"]?.completedAt, 5);
  assert.equal(state.revision["b"], 1);
  assert.equal(pageTitle(state), "(1) Alpha · parawork");
});

test("the focused workspace finishing is quiet while the page is visible, not while hidden", () => {
  const done = ev("session_completed", { sessionId: "sa", workspaceId: "a", success: false });
  const visible = applyEvent(withTwo(), done, true);
  assert.equal(visible.notice, null);
  assert.equal(visible.state.attention["a"], undefined);
  assert.equal(visible.state.sessions["a"]?.status, "failed");
  const hidden = applyEvent(withTwo(), done, false);
  assert.equal(hidden.state.attention["a"], "failed");
  assert.equal(hidden.notice?.body, "The agent failed");
});

test("focusing a workspace clears its badge", () => {
  const { state } = applyEvent(withTwo(), ev("session_completed", { sessionId: "sb", workspaceId: "b", success: true }), true);
  const after = focus(state, "b");
  assert.equal(after.attention["b"], undefined);
  assert.equal(after.focusedId, "b");
  assert.equal(pageTitle(after), "Beta · parawork");
});

test("status changes update the workspace; a waiting status notifies", () => {
  const running = applyEvent(withTwo(), ev("workspace_status_changed", { workspaceId: "b", status: "idle", timestamp: 9 }), true);
  assert.equal(running.state.workspaces[1]?.status, "idle");
  assert.equal(running.state.workspaces[1]?.updatedAt, 9);
  assert.equal(running.notice, null);
  const waiting = applyEvent(withTwo(), ev("workspace_status_changed", { workspaceId: "b", status: "waiting" }), true);
  assert.equal(waiting.state.attention["b"], "waiting");
  assert.equal(waiting.notice?.body, "Waiting for input");
});

test("a workspace deleted elsewhere leaves the list, its badge and the focus", () => {
  let s = focus(withTwo(), "b");
  s = applyEvent(s, ev("session_completed", { sessionId: "sa", workspaceId: "a", success: true }), true).state;
  assert.equal(s.attention["a"], "finished");
  s = applyEvent(s, ev("workspace_deleted", { workspaceId: "a", timestamp: 5 }), true).state;
  assert.deepEqual(s.workspaces.map((w) => w.id), ["b"]);
  assert.equal(s.attention["a"], undefined);
  assert.equal(s.sessions["a"], undefined);
  assert.equal(s.focusedId, "b");
  s = applyEvent(s, ev("workspace_deleted", { workspaceId: "b" }), true).state;
  assert.deepEqual(s.workspaces, []);
  assert.equal(s.focusedId, null);
});

test("ports open and close per session; the session's end clears them", () => {
  let s = withTwo();
  s = applyEvent(s, ev("port_opened", { sessionId: "sa", workspaceId: "a", port: 5173, url: "http://p/" }), true).state;
  s = applyEvent(s, ev("port_opened", { sessionId: "sa", workspaceId: "a", port: 3000 }), true).state;
  s = applyEvent(s, ev("port_opened", { sessionId: "sa", workspaceId: "a", port: 3000 }), true).state;
  assert.deepEqual(s.ports["a"]?.map((p) => p.port), [3000, 5173]);
  assert.equal(s.ports["a"]?.[1]?.url, "http://p/");
  s = applyEvent(s, ev("port_closed", { sessionId: "sa", workspaceId: "a", port: 3000 }), true).state;
  assert.deepEqual(s.ports["a"]?.map((p) => p.port), [5173]);
  s = applyEvent(s, ev("session_completed", { sessionId: "sa", workspaceId: "a", success: true }), true).state;
  assert.deepEqual(s.ports["a"], []);
});

test("session_ready sets readyAt on the current session only", () => {
  let s = withTwo();
  s = applyEvent(s, ev("session_ready", { sessionId: "other", workspaceId: "a", readyAt: 3300 }), true).state;
  assert.equal(s.sessions["a"]?.readyAt, undefined);
  s = applyEvent(s, ev("session_ready", { sessionId: "sa", workspaceId: "a", readyAt: 3300 }), true).state;
  assert.equal(s.sessions["a"]?.readyAt, 3300);
});

test("resource samples are kept per session up to a bound", () => {
  let s = withTwo();
  for (let i = 0; i < MAX_SAMPLES + 5; ++i) {
    s = applyEvent(s, ev("resource_sample", { sessionId: "sa", workspaceId: "a", timestamp: i, cpuPercent: i, memoryMb: 2 }), true).state;
  }
  s = applyEvent(s, ev("resource_sample", { sessionId: "other", workspaceId: "a", timestamp: 1, cpuPercent: 1, memoryMb: 1 }), true).state;
  assert.equal(s.resources["sa"]?.length, MAX_SAMPLES);
  assert.equal(s.resources["sa"]?.[0]?.timestamp, 5);
  assert.equal(s.resources["sa"]?.[0]?.memoryMb, 2);
  assert.equal(s.resources["other"]?.length, 1);
});

test("a dependency report replaces the workspace's previous one", () => {
  let s = withTwo();
  const report = (state: string) =>
    ev("dependency_status", {
      workspaceId: "a",
      status: state,
      projects: [{ ecosystem: "node", directory: "web", state, reason: "no node_modules" }, "junk"],
    });
  s = applyEvent(s, report("missing"), true).state;
  s = applyEvent(s, report("installed"), true).state;
  assert.deepEqual(s.dependencies["a"], {
    status: "installed",
    projects: [{ name: "node (web)", status: "installed", message: "no node_modules" }],
  });
  s = applyEvent(s, ev("dependency_status", { workspaceId: "a", status: "none", projects: [] }), true).state;
  assert.deepEqual(s.dependencies["a"], { status: "none", projects: [] });
});

test("events without a workspace, unknown events and malformed ones leave the state alone", () => {
  const s = withTwo();
  assert.equal(applyEvent(s, ev("terminal_data", { sessionId: "sa", data: "x" }), true).state, s);
  assert.equal(applyEvent(s, ev("something_new", { workspaceId: "a" }), true).state, s);
  assert.equal(applyEvent(s, ev("port_opened", { workspaceId: "a", port: "x" }), true).state, s);
});

test("workspaces are ordered by repository name, then oldest first", () => {
  const s: State = {
    ...initialState(),
    repositories: [
      { id: "r2", name: "zeta", path: "/z", defaultBranch: "main", remoteUrl: null, createdAt: 0, updatedAt: 0 },
      { id: "r1", name: "alpha", path: "/a", defaultBranch: "main", remoteUrl: null, createdAt: 0, updatedAt: 0 },
    ],
    workspaces: [workspace("x", "x", "r2", 1), workspace("y", "y", "r1", 3), workspace("z", "z", "r1", 2), workspace("o", "o", null, 0)],
  };
  assert.deepEqual(orderedWorkspaces(s).map((w) => w.id), ["z", "y", "x", "o"]);
});

test("Store notifies subscribers of changes only", () => {
  const store = new Store();
  let calls = 0;
  const off = store.subscribe(() => calls++);
  store.set(store.get());
  store.update((s) => ({ ...s, loaded: true }));
  off();
  store.update((s) => ({ ...s, loaded: false }));
  assert.equal(calls, 1);
});
