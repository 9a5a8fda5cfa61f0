// The workspace header's review-and-ship part (issue 20 §7.2–3): the branch's position against
// its base (refetched on focus, on events and after every action), the pull request badge, and
// the buttons that open each action's dialog (ship_dialogs.tsx).
import { useEffect, useState } from "preact/hooks";
import { reviewApi } from "../lib/review_api";
import { aheadBehind, prBadge } from "../lib/ship";
import type { BranchStatus, PullRequest, Workspace } from "../lib/types";
import { shipChanged } from "./controller";
import { errorText } from "./format";
import { useLoad } from "./load";
import type { ShipAction } from "./ship_dialogs";

// The dialogs load on first use: most visits never open one.
type Dialogs = typeof import("./ship_dialogs");
let dialogs: Promise<Dialogs> | null = null;

function useDialogs(wanted: boolean): { module: Dialogs | null; error: string | null } {
  const [module, setModule] = useState<Dialogs | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted || module) return;
    setError(null);
    dialogs ??= import("./ship_dialogs");
    dialogs.then(setModule).catch((e) => {
      dialogs = null; // a daemon updated meanwhile serves other asset names: retry next time
      setError(`Could not load the dialog (${errorText(e)}): reload the page`);
    });
  }, [wanted]);
  return { module, error };
}

const ACTIONS: { id: ShipAction; label: string; title: string }[] = [
  { id: "checkpoints", label: "Checkpoints", title: "Snapshots of the worktree: list, diff, restore" },
  { id: "commit", label: "Commit", title: "Commit the worktree's changes to the branch" },
  { id: "sync", label: "Sync", title: "Bring the base branch's new commits in (rebase or merge)" },
  { id: "merge", label: "Merge", title: "Merge the branch into its base" },
  { id: "pr", label: "Push / PR", title: "Push the branch, open a pull request" },
  { id: "archive", label: "Archive…", title: "Put the workspace away (restorable)" },
];

/** Refetch the branch status whenever the window gets the focus back (git may have moved). */
function useWindowFocusCount(): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const bump = () => setCount((n) => n + 1);
    window.addEventListener("focus", bump);
    return () => window.removeEventListener("focus", bump);
  }, []);
  return count;
}

export function ShipBar(props: { workspace: Workspace; shipRevision: number; revision: number }) {
  const w = props.workspace;
  const focusCount = useWindowFocusCount();
  const { data: status, error } = useLoad<BranchStatus>(() => reviewApi.branch(w.id), [
    w.id,
    props.shipRevision,
    props.revision,
    focusCount,
  ]);
  const [action, setAction] = useState<ShipAction | null>(null);
  const loaded = useDialogs(action !== null);
  const ShipDialog = loaded.module?.ShipDialog;
  return (
    <>
      <BranchPosition status={status} error={error} />
      {w.pullRequest && <PrBadge pr={w.pullRequest} />}
      {w.pullRequest?.state === "merged" && (
        // Its work landed: the next step is usually to put the workspace away.
        <button
          type="button"
          class="small primary"
          data-testid="archive-merged"
          title="The pull request is merged: archive the workspace (restorable)"
          onClick={() => setAction("archive")}
        >
          Merged: archive?
        </button>
      )}
      <span class="ship-actions" role="group" aria-label="Review and ship">
        {ACTIONS.map((a) => (
          <button
            key={a.id}
            type="button"
            class="small"
            title={a.title}
            data-testid={`action-${a.id}`}
            onClick={() => setAction(a.id)}
          >
            {a.label}
          </button>
        ))}
      </span>
      {action && loaded.error && <span class="notice error">{loaded.error}</span>}
      {action && ShipDialog && (
        <ShipDialog
          action={action}
          workspace={w}
          status={status}
          onDone={() => shipChanged(w.id)}
          onClose={() => setAction(null)}
        />
      )}
    </>
  );
}

function BranchPosition(props: { status: BranchStatus | null; error: string | null }) {
  const s = props.status;
  if (!s) return props.error ? <span class="muted small-text" title={props.error}>branch status unavailable</span> : null;
  return (
    <span class="branch-position" data-testid="branch-position" title={`against ${s.base} (${s.baseCommit.slice(0, 7)})`}>
      <span data-testid="ahead-behind">{aheadBehind(s)}</span> {s.base}
      {s.uncommittedFiles > 0 && (
        <span class="uncommitted" data-testid="uncommitted">
          {" "}· {s.uncommittedFiles} uncommitted
        </span>
      )}
      {s.sync && (
        <span class="notice error" data-testid="sync-conflicts">
          {s.sync.method} stopped on {s.sync.conflictedFiles.length} conflicted file
          {s.sync.conflictedFiles.length === 1 ? "" : "s"}
        </span>
      )}
    </span>
  );
}

function PrBadge(props: { pr: PullRequest }) {
  const b = prBadge(props.pr);
  return (
    <a
      class={`pr-badge pr-${b.tone}`}
      href={props.pr.url}
      target="_blank"
      rel="noreferrer"
      title={props.pr.title}
      data-testid="pr-badge"
    >
      {b.label}
      {b.checks && <span class="pr-checks"> {b.checks}</span>}
    </a>
  );
}
