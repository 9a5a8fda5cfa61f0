// Sync: bring the base branch's new commits into the workspace's branch (rebase or merge). When
// one stopped on conflicts: the conflicted files, "Ask the agent to resolve", and "Abort".
import { useState } from "preact/hooks";
import { reviewApi } from "../lib/review_api";
import { abortSyncText, syncText } from "../lib/ship";
import type { SyncMethod } from "../lib/types";
import { useRun } from "./load";
import { Modal } from "./modal";
import { Buttons, Confirmation, FileList, RunError, branchName, type DialogProps } from "./ship_run";

export function SyncDialog(props: DialogProps) {
  const id = props.workspace.id;
  const status = props.status;
  const [method, setMethod] = useState<SyncMethod>("rebase");
  const [note, setNote] = useState<string | null>(null);
  const { busy, error, run } = useRun();
  const done = (text: string) => {
    setNote(text);
    props.onDone();
  };
  const sync = () =>
    run(async () => {
      const r = await reviewApi.sync(id, method);
      if (r.result === "up-to-date") done(`Already up to date with ${status?.base ?? "the base"}.`);
      else if (r.result === "synced") done(`Synced: the branch is now at ${r.head.slice(0, 7)}.`);
      else done(`The ${r.method} stopped on conflicts.`);
    });
  const conflicts = status?.sync ?? null;
  if (!status) {
    return (
      <Modal title="Sync" onClose={props.onClose}>
        <p class="muted">The branch status has not loaded (is the daemon too old?).</p>
        <Buttons onClose={props.onClose}>{null}</Buttons>
      </Modal>
    );
  }
  return (
    <Modal title="Sync with the base branch" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void sync();
        }}
      >
        {conflicts ? (
          <>
            <p class="notice error" data-testid="sync-stopped">
              The {conflicts.method} of {branchName(props)} stopped on conflicts in:
            </p>
            <FileList files={conflicts.conflictedFiles} testId="sync-conflicts-list" />
            <Confirmation text={abortSyncText(status)} />
          </>
        ) : (
          <>
            <fieldset class="choices">
              {(["rebase", "merge"] as const).map((m) => (
                <label key={m} class="choice">
                  <input type="radio" name="method" checked={method === m} onChange={() => setMethod(m)} data-testid={`sync-${m}`} />
                  {m === "rebase" ? "Rebase onto it" : "Merge it in"}
                </label>
              ))}
            </fieldset>
            <Confirmation text={syncText(status, method)} />
          </>
        )}
        {note && (
          <p class="small-text ok" role="status" data-testid="sync-result">
            {note}
          </p>
        )}
        <RunError error={error} />
        <Buttons onClose={props.onClose} closeLabel={note ? "Close" : "Cancel"}>
          {conflicts ? (
            <>
              <button
                type="button"
                disabled={busy}
                data-testid="sync-ask-agent"
                onClick={() => void run(async () => (await reviewApi.syncAskAgent(id), done("Asked the agent to resolve them.")))}
              >
                Ask the agent to resolve
              </button>
              <button
                type="button"
                class="danger"
                disabled={busy}
                data-testid="sync-abort"
                onClick={() => void run(async () => (await reviewApi.abortSync(id), done("Aborted: the worktree is back.")))}
              >
                Abort
              </button>
            </>
          ) : (
            <button type="submit" class="primary" disabled={busy} data-testid="sync-submit">
              {busy ? "Syncing…" : "Sync"}
            </button>
          )}
        </Buttons>
      </form>
    </Modal>
  );
}
