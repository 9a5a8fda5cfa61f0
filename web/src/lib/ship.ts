// What each ship action will do, said exactly before the person confirms it (issue 20 §7.3), and
// the pull request badge's text. Plain functions, unit-tested without a browser.
import type { BranchStatus, Checkpoint, MergeCheck, MergeMode, PullRequest, SyncMethod } from "./types";

/** A commit id as people read it: its first 7 digits. */
export const shortId = (id: string | null | undefined) => (id ? id.slice(0, 7) : "(none)");

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The merge confirmation: what happens to the base branch, and that the worktree is not touched. */
export function mergeText(branch: string, check: MergeCheck, mode: MergeMode, archive: boolean): string {
  const from = shortId(check.baseCommit);
  const what =
    mode === "ff"
      ? `Fast-forward ${check.base} to ${branch}: ${check.base} moves from ${from} to ${shortId(check.head)}`
      : mode === "squash"
        ? `Merge ${branch} into ${check.base} as one squashed commit; ${check.base} moves from ${from} to a new commit`
        : `Merge ${branch} into ${check.base} with a merge commit; ${check.base} moves from ${from} to a new commit`;
  const then = archive ? "; then the workspace is archived (its worktree removed, the branch kept)" : "; the worktree is not touched";
  return `${what}${then}.`;
}

/** Why a merge cannot go ahead as chosen, or null when it can. */
export function mergeBlocker(check: MergeCheck, mode: MergeMode): string | null {
  if (!check.clean) return `It would conflict in ${plural(check.conflictedFiles.length, "file")}: sync first.`;
  if (mode === "ff" && !check.fastForward) return `${check.base} has commits the branch has not: a fast-forward is impossible.`;
  return null;
}

/** The sync confirmation: which way, how many new commits, and that Abort can undo it. */
export function syncText(status: BranchStatus, method: SyncMethod): string {
  const commits = plural(status.behind, "new commit");
  const what =
    method === "rebase"
      ? `Rebase ${status.branch} onto ${status.base} (${commits}): its ${plural(status.ahead, "commit")} are replayed on top`
      : `Merge ${status.base} (${commits}) into ${status.branch} with a merge commit`;
  return `${what}. A checkpoint is taken first; on conflicts, Abort brings this state back.`;
}

export function abortSyncText(status: BranchStatus): string {
  const method = status.sync?.method ?? "sync";
  return `Abort the ${method} of ${status.branch}: the worktree goes back to the checkpoint taken before it; the agent's conflict fixes so far are dropped.`;
}

export function commitText(branch: string, uncommittedFiles: number): string {
  return `Commit every change in the worktree (${plural(uncommittedFiles, "file")}) to ${branch} with this message.`;
}

export const askAgentCommitText = (branch: string) =>
  `Ask the agent to commit its work on ${branch}: it gets a message asking for a commit with a message of its own.`;

export function restoreText(c: Checkpoint, when: string): string {
  return `Restore the worktree to checkpoint “${c.label || shortId(c.id)}” (${shortId(c.id)}, ${when}); the present state is checkpointed first, so this can be undone.`;
}

export function pushText(branch: string, remote = "origin"): string {
  return `Push ${branch} to ${remote}/${branch} (never forced: refused if the remote has commits it has not).`;
}

export function prText(branch: string, base: string, draft: boolean): string {
  return `Push ${branch}, then open a ${draft ? "draft " : ""}pull request from ${branch} into ${base} (with gh; without it you get the compare link).`;
}

export function archiveText(name: string, branch: string | null, path: string, deleteBranch: boolean): string {
  const b = branch ?? "its branch";
  const keep = deleteBranch ? `the branch ${b} is deleted` : `the branch ${b} is kept`;
  return `Archive ${name}: its sessions are stopped, a checkpoint is taken, the worktree ${path} is removed and ${keep}; Unarchive brings all of it back.`;
}

export function unarchiveText(name: string, branch: string | null): string {
  return `Unarchive ${name}: the worktree comes back on ${branch ?? "its branch"} with the uncommitted files of its last checkpoint.`;
}

/** "#12 open" and the checks, e.g. "✓ 3 · ✗ 1 · … 2" (empty without checks). */
export function prBadge(pr: PullRequest): { label: string; checks: string; tone: string } {
  const c = pr.checks;
  const parts: string[] = [];
  if (c.passing) parts.push(`✓ ${c.passing}`);
  if (c.failing) parts.push(`✗ ${c.failing}`);
  if (c.pending) parts.push(`… ${c.pending}`);
  const tone = pr.state === "open" && c.failing ? "failing" : pr.state;
  return { label: `#${pr.number} ${pr.state}`, checks: parts.join(" · "), tone };
}

/** "↑2 ↓3": commits ahead of the base and behind it. */
export function aheadBehind(s: Pick<BranchStatus, "ahead" | "behind">): string {
  return `↑${s.ahead} ↓${s.behind}`;
}
