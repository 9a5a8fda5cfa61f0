// The ship actions' dialogs (issue 20 §7.3): commit, merge and archive here; checkpoints, sync and
// push / pull request in their own files. Each says exactly what will happen before the person
// confirms, and shows the daemon's refusal as it is.
import { useState } from "preact/hooks";
import { reviewApi } from "../lib/review_api";
import {
  archiveText,
  askAgentCommitText,
  commitText,
  mergeBlocker,
  mergeText,
} from "../lib/ship";
import type { MergeCheck, MergeMode } from "../lib/types";
import { archiveWorkspace, leaveWorkspace } from "./controller";
import { CheckpointsDialog } from "./checkpoint_dialog";
import { useLoad, useRun } from "./load";
import { Modal } from "./modal";
import { PrDialog } from "./pr_dialog";
import { Buttons, Confirmation, FileList, RunError, branchName, type DialogProps } from "./ship_run";
import { SyncDialog } from "./sync_dialog";

export type ShipAction = "checkpoints" | "commit" | "sync" | "merge" | "pr" | "archive";

export function ShipDialog(props: DialogProps & { action: ShipAction }) {
  switch (props.action) {
    case "checkpoints":
      return <CheckpointsDialog {...props} />;
    case "commit":
      return <CommitDialog {...props} />;
    case "sync":
      return <SyncDialog {...props} />;
    case "merge":
      return <MergeDialog {...props} />;
    case "pr":
      return <PrDialog {...props} />;
    case "archive":
      return <ArchiveDialog {...props} />;
  }
}

function CommitDialog(props: DialogProps) {
  const [message, setMessage] = useState("");
  const { busy, error, run } = useRun();
  const branch = branchName(props);
  const [asked, setAsked] = useState(false);
  const go = async (body: { message: string } | { askAgent: true }) => {
    const ok = await run(async () => {
      await reviewApi.commit(props.workspace.id, body);
    });
    if (!ok) return;
    props.onDone();
    if ("askAgent" in body) setAsked(true);
    else props.onClose();
  };
  return (
    <Modal title="Commit" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void go({ message });
        }}
      >
        <label>
          Message
          <textarea
            rows={4}
            value={message}
            maxLength={16 * 1024}
            onInput={(e) => setMessage(e.currentTarget.value)}
            data-testid="commit-message"
          />
        </label>
        <Confirmation text={commitText(branch, props.status?.uncommittedFiles ?? 0)} />
        <p class="muted small-text">Or: {askAgentCommitText(branch)}</p>
        {asked && (
          <p class="small-text ok" role="status" data-testid="asked-agent">
            Asked the agent.
          </p>
        )}
        <RunError error={error} />
        <Buttons onClose={props.onClose} closeLabel={asked ? "Close" : "Cancel"}>
          <button type="button" disabled={busy} onClick={() => void go({ askAgent: true })} data-testid="commit-ask-agent">
            Ask the agent
          </button>
          <button type="submit" class="primary" disabled={busy || !message.trim()} data-testid="commit-submit">
            {busy ? "Working…" : "Commit"}
          </button>
        </Buttons>
      </form>
    </Modal>
  );
}

const MODES: { id: MergeMode; label: string }[] = [
  { id: "ff", label: "Fast-forward" },
  { id: "merge", label: "Merge commit" },
  { id: "squash", label: "Squash" },
];

function MergeDialog(props: DialogProps) {
  const id = props.workspace.id;
  // Null until the person picks: the repository's default, as the check reports it.
  const [picked, setPicked] = useState<MergeMode | null>(null);
  const [archive, setArchive] = useState(false);
  const [message, setMessage] = useState("");
  const check = useLoad<MergeCheck>(() => reviewApi.mergeCheck(id, picked), [id, picked]);
  const { busy, error, run } = useRun();
  const c = check.data;
  const mode: MergeMode = picked ?? (c?.fastForward ? "ff" : "merge");
  const blocker = c ? mergeBlocker(c, mode) : null;
  const submit = async () => {
    const body: { mode: MergeMode; message?: string; archive?: boolean } = { mode, archive };
    if (message.trim() && mode !== "ff") body.message = message;
    const ok = await run(async () => {
      await reviewApi.merge(id, body);
      // Archived on the daemon: the page follows.
      if (archive) await leaveWorkspace(id);
    });
    if (!ok) return;
    props.onDone();
    props.onClose();
  };
  return (
    <Modal title="Merge" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset class="choices">
          {MODES.map((m) => (
            <label key={m.id} class="choice">
              <input type="radio" name="mode" checked={mode === m.id} onChange={() => setPicked(m.id)} data-testid={`merge-mode-${m.id}`} />
              {m.label}
            </label>
          ))}
        </fieldset>
        <RunError error={check.error} />
        <MergeCheckView check={c} loading={check.loading} />
        {mode !== "ff" && (
          <label>
            Commit message (optional)
            <input value={message} onInput={(e) => setMessage(e.currentTarget.value)} data-testid="merge-message" />
          </label>
        )}
        <label class="choice">
          <input type="checkbox" checked={archive} onChange={(e) => setArchive(e.currentTarget.checked)} data-testid="merge-archive" />
          Archive the workspace afterwards
        </label>
        {c && <Confirmation text={blocker ?? mergeText(branchName(props), c, mode, archive)} />}
        <RunError error={error} />
        <Buttons onClose={props.onClose}>
          <button type="submit" class="primary" disabled={busy || !c || blocker !== null} data-testid="merge-submit">
            {busy ? "Merging…" : `Merge into ${c?.base ?? "base"}`}
          </button>
        </Buttons>
      </form>
    </Modal>
  );
}

/** The merge check, shown before anything is merged: clean, or the files that would conflict. */
function MergeCheckView(props: { check: MergeCheck | null; loading: boolean }) {
  const c = props.check;
  if (!c) return props.loading ? <progress aria-label="Checking the merge" /> : null;
  if (c.clean) {
    return (
      <p class="ok small-text" data-testid="merge-clean">
        Merges cleanly{c.fastForward ? " (a fast-forward is possible)" : ""}.
      </p>
    );
  }
  return (
    <>
      <p class="notice error">Conflicts in:</p>
      <FileList files={c.conflictedFiles} testId="merge-conflicts" />
    </>
  );
}

function ArchiveDialog(props: DialogProps) {
  const w = props.workspace;
  const [deleteBranch, setDeleteBranch] = useState(false);
  const { busy, error, run } = useRun();
  return (
    <Modal title="Archive" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => archiveWorkspace(w.id, deleteBranch)).then((ok) => ok && props.onClose());
        }}
      >
        <label class="choice">
          <input
            type="checkbox"
            checked={deleteBranch}
            onChange={(e) => setDeleteBranch(e.currentTarget.checked)}
            data-testid="archive-delete-branch"
          />
          Delete the branch too (still restorable)
        </label>
        <Confirmation text={archiveText(w.name, branchName(props), w.path, deleteBranch)} />
        <RunError error={error} />
        <Buttons onClose={props.onClose}>
          <button type="submit" class="danger" disabled={busy} data-testid="archive-submit">
            {busy ? "Archiving…" : "Archive"}
          </button>
        </Buttons>
      </form>
    </Modal>
  );
}
