// The ship actions' confirmation texts (what exactly will happen), the PR badge, and the store's
// review and ship events.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aheadBehind,
  archiveText,
  mergeBlocker,
  mergeText,
  prBadge,
  restoreText,
  syncText,
} from "../src/lib/ship";
import { applyEvent, initialState } from "../src/lib/store";
import type { BranchStatus, MergeCheck, PullRequest } from "../src/lib/types";
import { workspace } from "./fixtures";

const check: MergeCheck = {
  clean: true,
  fastForward: false,
  conflictedFiles: [],
  base: "main",
  baseCommit: "abc1234def",
  head: "fed9876abc",
};

test("the merge confirmation says how the base moves and that the worktree is untouched", () => {
  assert.equal(
    mergeText("parawork/foo", check, "squash", false),
    "Merge parawork/foo into main as one squashed commit; main moves from abc1234 to a new commit; the worktree is not touched.",
  );
  assert.equal(
    mergeText("parawork/foo", check, "ff", false),
    "Fast-forward main to parawork/foo: main moves from abc1234 to fed9876; the worktree is not touched.",
  );
  assert.match(mergeText("parawork/foo", check, "merge", true), /with a merge commit.*archived/);
});

test("a merge is blocked by conflicts, and a fast-forward by a base that moved on", () => {
  assert.equal(mergeBlocker(check, "merge"), null);
  assert.match(mergeBlocker(check, "ff") ?? "", /fast-forward is impossible/);
  assert.equal(mergeBlocker({ ...check, fastForward: true }, "ff"), null);
  assert.match(mergeBlocker({ ...check, clean: false, conflictedFiles: ["a", "b"] }, "squash") ?? "", /2 files/);
});

const status: BranchStatus = {
  branch: "parawork/foo",
  base: "main",
  baseCommit: "abc",
  head: "def",
  ahead: 1,
  behind: 3,
  fetched: false,
  fetchError: null,
  uncommittedFiles: 0,
  sync: null,
};

test("sync, restore and archive confirmations name what changes", () => {
  assert.equal(
    syncText(status, "rebase"),
    "Rebase parawork/foo onto main (3 new commits): its 1 commit are replayed on top. A checkpoint is taken first; on conflicts, Abort brings this state back.",
  );
  assert.match(syncText(status, "merge"), /^Merge main \(3 new commits\) into parawork\/foo/);
  const cp = { id: "0123456789", ref: "r", label: "before tests", head: null, createdAt: 1, workspaceId: "w" };
  assert.match(restoreText(cp, "5 min ago"), /“before tests” \(0123456, 5 min ago\).*checkpointed first/);
  assert.match(archiveText("Foo", "parawork/foo", "/tmp/foo", false), /worktree \/tmp\/foo is removed and the branch parawork\/foo is kept/);
  assert.match(archiveText("Foo", "parawork/foo", "/tmp/foo", true), /branch parawork\/foo is deleted/);
  assert.equal(aheadBehind(status), "↑1 ↓3");
});

const pr: PullRequest = {
  number: 12,
  url: "https://example.com/pr/12",
  state: "open",
  title: "Foo",
  checks: { passing: 3, failing: 1, pending: 2 },
  reviewDecision: null,
  mergeable: null,
  refreshedAt: 1,
};

test("the PR badge says number, state and checks", () => {
  assert.deepEqual(prBadge(pr), { label: "#12 open", checks: "✓ 3 · ✗ 1 · … 2", tone: "failing" });
  assert.deepEqual(prBadge({ ...pr, state: "merged", checks: { passing: 0, failing: 0, pending: 0 } }), {
    label: "#12 merged",
    checks: "",
    tone: "merged",
  });
});

test("review and ship events bump their counters and carry the pull request", () => {
  const s = { ...initialState(), workspaces: [workspace("a", "A", null, 1)] };
  const ev = (type: string, data: Record<string, unknown>) => applyEvent(s, { type, data }, true).state;
  assert.equal(ev("review_comments_changed", { workspaceId: "a" }).reviewRevision["a"], 1);
  assert.equal(ev("checkpoint_created", { workspaceId: "a", checkpoint: {} }).shipRevision["a"], 1);
  const changed = ev("pull_request_changed", { workspaceId: "a", pullRequest: pr });
  assert.equal(changed.workspaces[0]?.pullRequest?.number, 12);
  assert.equal(changed.shipRevision["a"], 1);
  assert.equal(ev("pull_request_changed", { workspaceId: "a", pullRequest: null }).workspaces[0]?.pullRequest, null);
});
