// Attention (issue 19 §3): waiting agents first with why, the counter's next one, and notices only
// on entering a wait or finishing a turn, never twice for one wait, never for what one looks at.
import assert from "node:assert/strict";
import { test } from "node:test";
import { nextWaiting, waitingText, waitingWorkspaces } from "../src/lib/attention";
import { applyEvent, focus, initialState, orderedWorkspaces, pageTitle, type State } from "../src/lib/store";
import type { Activity, Session } from "../src/lib/types";
import { workspace } from "./fixtures";

function activity(state: string, since: number, reason: string | null = null): Activity {
  return { state, waitingFor: state === "waiting" ? "permission" : null, reason, source: "hook", since };
}

function session(id: string, workspaceId: string, a: Activity): Session {
  return {
    id,
    workspaceId,
    agentType: "sh",
    status: "running",
    processId: 1,
    startedAt: 1,
    completedAt: null,
    activity: a,
  };
}

/** Three workspaces, a focused; b and c working. */
function three(): State {
  const s = initialState();
  return focus(
    {
      ...s,
      workspaces: [workspace("a", "Alpha", null, 1), workspace("b", "Beta", null, 2), workspace("c", "Gamma", null, 3)],
      sessions: {
        a: session("sa", "a", activity("working", 1)),
        b: session("sb", "b", activity("working", 1)),
        c: session("sc", "c", activity("working", 1)),
      },
    },
    "a",
  );
}

const change = (sessionId: string, workspaceId: string, previousState: string, state: string, extra = {}) => ({
  type: "session_state_changed",
  data: { sessionId, workspaceId, previousState, state, waitingFor: null, reason: null, source: "hook", since: 10, ...extra },
});

test("a background agent entering a wait moves to the top with why, and notifies once", () => {
  const waits = change("sc", "c", "working", "waiting", { waitingFor: "permission", reason: "wants to run `rm -rf build`" });
  const first = applyEvent(three(), waits, true);
  assert.deepEqual(first.notice, { workspaceId: "c", title: "Gamma", body: "wants to run `rm -rf build`" });
  assert.deepEqual(
    orderedWorkspaces(first.state).map((w) => w.id),
    ["c", "a", "b"],
  );
  assert.equal(first.state.sessions["c"]?.activity?.reason, "wants to run `rm -rf build`");
  assert.equal(first.state.attention["c"], "waiting");
  assert.equal(pageTitle(first.state), "(1) Alpha · parawork");
  // A new reason for the same wait is not a new wait.
  const again = applyEvent(first.state, change("sc", "c", "waiting", "waiting", { reason: "wants to edit a.txt" }), true);
  assert.equal(again.notice, null);
  assert.equal(again.state.sessions["c"]?.activity?.reason, "wants to edit a.txt");
});

test("a turn finishing notifies in the background only; the focused visible workspace never", () => {
  const done = applyEvent(three(), change("sb", "b", "working", "idle"), true);
  assert.deepEqual(done.notice, { workspaceId: "b", title: "Beta", body: "The agent finished its turn" });
  assert.equal(done.state.attention["b"], undefined);
  assert.equal(applyEvent(three(), change("sa", "a", "working", "waiting"), true).notice, null);
  // Hidden page: even the focused one.
  assert.notEqual(applyEvent(three(), change("sa", "a", "working", "waiting"), false).notice, null);
  // Other transitions say nothing: starting → working, waiting → working, idle → idle.
  assert.equal(applyEvent(three(), change("sb", "b", "starting", "working"), true).notice, null);
  assert.equal(applyEvent(three(), change("sb", "b", "waiting", "idle"), true).notice, null);
});

test("events about another session of the workspace, or malformed ones, change nothing", () => {
  const s = three();
  assert.equal(applyEvent(s, change("other", "b", "working", "waiting"), true).state, s);
  assert.equal(applyEvent(s, change("sb", "b", "working", ""), true).state, s);
  assert.equal(applyEvent(s, { type: "session_state_changed", data: { sessionId: "sb" } }, true).state, s);
});

test("the counter jumps through the waiting workspaces, the longest wait first, wrapping", () => {
  let s = three();
  s = applyEvent(s, change("sc", "c", "working", "waiting", { since: 5 }), true).state;
  s = applyEvent(s, change("sb", "b", "working", "waiting", { since: 7 }), true).state;
  assert.deepEqual(waitingWorkspaces(s).map((w) => w.id), ["c", "b"]);
  assert.equal(nextWaiting(s), "c");
  assert.equal(nextWaiting(focus(s, "c")), "b");
  assert.equal(nextWaiting(focus(s, "b")), "c");
  assert.equal(nextWaiting(three()), null);
  // An ended session waits no more.
  const ended = { ...s, sessions: { ...s.sessions, c: { ...s.sessions["c"]!, status: "completed" as const } } };
  assert.deepEqual(waitingWorkspaces(ended).map((w) => w.id), ["b"]);
});

test("the reason shown falls back to what the agent waits for", () => {
  assert.equal(waitingText(activity("waiting", 1, "Approve the plan?")), "Approve the plan?");
  assert.equal(waitingText(activity("waiting", 1)), "Waiting for permission");
  assert.equal(waitingText({ ...activity("waiting", 1), waitingFor: null }), "Waiting for you");
});
