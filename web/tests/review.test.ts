// Review mode's plain logic: diff line numbers, what a click or shift-click selects, where
// comments show, the "viewed" marks and their hash, and the send bar's enabled state and reason.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MAX_VIEWED,
  diffHash,
  diffRows,
  isViewed,
  loadViewed,
  placeComments,
  rangeLabel,
  selectRange,
  sendBar,
  sendLabel,
  setViewed,
  viewedKey,
  type KeyValueStore,
} from "../src/lib/review";
import type { ReviewComment, Session } from "../src/lib/types";

const DIFF = [
  "diff --git a/f.txt b/f.txt",
  "--- a/f.txt",
  "+++ b/f.txt",
  "@@ -1,3 +1,4 @@",
  " one",
  "-two",
  "+TWO",
  "+2.5",
  " three",
  "@@ -10,2 +11,2 @@",
  " ten",
  "--- a line that starts with dashes",
  "+++ one with pluses",
  "\\ No newline at end of file",
  "",
].join("\n");

function comment(id: string, line: number, extra: Partial<ReviewComment> = {}): ReviewComment {
  return {
    id,
    workspaceId: "w",
    path: "f.txt",
    line,
    endLine: null,
    side: "new",
    body: `about ${line}`,
    quote: "",
    resolved: false,
    resolvedAt: null,
    sentAt: null,
    sentToSessionId: null,
    createdAt: 1,
    updatedAt: 1,
    ...extra,
  };
}

test("diff rows are numbered in the old and the new file, hunk by hunk", () => {
  const rows = diffRows(DIFF);
  const nums = rows.map((r) => [r.kind, r.oldLine, r.newLine]);
  assert.deepEqual(nums.slice(0, 9), [
    ["file", null, null],
    ["file", null, null],
    ["file", null, null],
    ["hunk", null, null],
    ["ctx", 1, 1],
    ["del", 2, null],
    ["add", null, 2],
    ["add", null, 3],
    ["ctx", 3, 4],
  ]);
  // Inside a hunk, "---" and "+++" are a removed and an added line, not file names.
  assert.deepEqual(nums.slice(9), [
    ["hunk", null, null],
    ["ctx", 10, 11],
    ["del", 11, null],
    ["add", null, 12],
    ["file", null, null],
    ["file", null, null],
  ]);
});

test("a click selects one line, a shift-click a range on the first line's side", () => {
  const rows = diffRows(DIFF);
  assert.deepEqual(selectRange(rows, null, 6), { side: "new", line: 2, endLine: 2 });
  assert.deepEqual(selectRange(rows, null, 5), { side: "old", line: 2, endLine: 2 });
  // From context line 1 down to added line 3, and the same upwards.
  assert.deepEqual(selectRange(rows, 4, 7), { side: "new", line: 1, endLine: 3 });
  assert.deepEqual(selectRange(rows, 8, 4), { side: "new", line: 1, endLine: 4 });
  // A removed row has no new line: it starts a range of its own.
  assert.deepEqual(selectRange(rows, 6, 5), { side: "old", line: 2, endLine: 2 });
  // Headers are no line.
  assert.equal(selectRange(rows, null, 3), null);
  assert.equal(selectRange(rows, null, 99), null);
});

test("comments show under their last line on their side; lines the diff lacks go elsewhere", () => {
  const rows = diffRows(DIFF);
  const { byRow, elsewhere } = placeComments(rows, [
    comment("b", 1, { endLine: 3, createdAt: 5 }),
    comment("a", 3, { createdAt: 2 }),
    comment("old", 2, { side: "old" }),
    comment("ctx-old", 3, { side: "old" }),
    comment("gone", 40),
  ]);
  assert.deepEqual(byRow.get(7)?.map((c) => c.id), ["a", "b"], "oldest first under new line 3");
  assert.deepEqual(byRow.get(5)?.map((c) => c.id), ["old"]);
  assert.deepEqual(byRow.get(8)?.map((c) => c.id), ["ctx-old"], "old line 3 is the context row");
  assert.deepEqual(elsewhere.map((c) => c.id), ["gone"]);
});

test("range labels name the lines and the side", () => {
  assert.equal(rangeLabel(comment("a", 4)), "line 4");
  assert.equal(rangeLabel(comment("a", 4, { endLine: 4 })), "line 4");
  assert.equal(rangeLabel(comment("a", 4, { endLine: 9, side: "old" })), "lines 4–9 (old)");
});

class MemoryStore implements KeyValueStore {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

test("the diff hash is stable, short and changes with the diff", () => {
  assert.equal(diffHash("abc"), diffHash("abc"));
  assert.match(diffHash("abc"), /^[0-9a-f]{8}$/);
  assert.notEqual(diffHash("abc"), diffHash("abd"));
  assert.equal(diffHash(null), diffHash(""));
});

test("a viewed file becomes unviewed when its diff changes; marks are per workspace", () => {
  const store = new MemoryStore();
  let marks = setViewed(store, "w1", "f.txt", "diff 1", true);
  assert.ok(isViewed(marks, "f.txt", "diff 1"));
  assert.ok(!isViewed(marks, "f.txt", "diff 2"), "changed since");
  assert.ok(isViewed(loadViewed(store, "w1"), "f.txt", "diff 1"), "kept in the store");
  assert.deepEqual(loadViewed(store, "w2"), {});
  marks = setViewed(store, "w1", "f.txt", "diff 1", false);
  assert.ok(!isViewed(marks, "f.txt", "diff 1"));
});

test("viewed marks are bounded and survive a broken store entry", () => {
  const store = new MemoryStore();
  for (let i = 0; i < MAX_VIEWED + 5; i++) setViewed(store, "w", `f${i}`, "d", true);
  const marks = loadViewed(store, "w");
  assert.equal(Object.keys(marks).length, MAX_VIEWED);
  assert.ok(!("f0" in marks), "the oldest went first");
  store.setItem(viewedKey("w"), "{not json");
  assert.deepEqual(loadViewed(store, "w"), {});
  store.setItem(viewedKey("w"), JSON.stringify({ a: 1, b: "h" }));
  assert.deepEqual(loadViewed(store, "w"), { b: "h" });
});

function agent(state: string | null, status: Session["status"] = "running"): Session {
  const s: Session = { id: "s", workspaceId: "w", agentType: "sh", status, processId: 1, startedAt: 1, completedAt: null };
  if (state) s.activity = { state, waitingFor: null, reason: null, source: "t", since: 1 };
  return s;
}

test("the send bar counts open unsent comments and says why it is disabled", () => {
  const comments = [
    comment("open", 1),
    comment("open2", 2),
    comment("resolved", 3, { resolved: true }),
    comment("sent", 4, { sentAt: 9 }),
  ];
  assert.deepEqual(sendBar(comments, agent("idle")), { count: 2, enabled: true, reason: null });
  assert.equal(sendBar(comments, agent("waiting")).enabled, true);
  assert.equal(sendBar(comments, agent(null)).enabled, true, "unknown: the daemon decides");
  const working = sendBar(comments, agent("working"));
  assert.equal(working.enabled, false);
  assert.match(working.reason ?? "", /working/);
  assert.match(sendBar(comments, agent("idle", "completed")).reason ?? "", /No agent is running/);
  assert.match(sendBar(comments, undefined).reason ?? "", /No agent is running/);
  assert.deepEqual(sendBar([comments[2]!, comments[3]!], agent("idle")), {
    count: 0,
    enabled: false,
    reason: "No open comments to send",
  });
  assert.equal(sendLabel(1), "Send 1 comment to agent");
  assert.equal(sendLabel(2), "Send 2 comments to agent");
});
