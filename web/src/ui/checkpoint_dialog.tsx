// Checkpoints: snapshots of the worktree, newest first. Take one now, restore one (the present
// is checkpointed first), or pick two (or one and the worktree) and see the diff between them.
import { useState } from "preact/hooks";
import { reviewApi } from "../lib/review_api";
import { restoreText, shortId } from "../lib/ship";
import type { Checkpoint, CheckpointDiff } from "../lib/types";
import { DiffView } from "./diff_view";
import { ago } from "./format";
import { Status, useLoad, useRun } from "./load";
import { Modal } from "./modal";
import { Buttons, Confirmation, RunError, type DialogProps } from "./ship_run";

export function CheckpointsDialog(props: DialogProps) {
  const id = props.workspace.id;
  const [reload, setReload] = useState(0);
  const list = useLoad<Checkpoint[]>(() => reviewApi.checkpoints(id), [id, reload]);
  const [label, setLabel] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [restoring, setRestoring] = useState<Checkpoint | null>(null);
  const [diff, setDiff] = useState<CheckpointDiff | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const { busy, error, run } = useRun();
  const changed = (text: string) => {
    setNote(text);
    setReload((n) => n + 1);
    props.onDone();
  };
  const create = () =>
    run(async () => {
      const r = await reviewApi.createCheckpoint(id, label.trim() || undefined);
      setLabel("");
      changed(r.created ? `Took checkpoint ${shortId(r.checkpoint.id)}.` : "Nothing changed since the newest checkpoint.");
    });
  const restore = (c: Checkpoint) =>
    run(async () => {
      const r = await reviewApi.restoreCheckpoint(id, c.id);
      setRestoring(null);
      changed(`Restored ${shortId(r.restored.id)}; the state before is checkpoint ${shortId(r.saved.id)}.`);
    });
  // The older of two picked goes first; with one, against the worktree.
  const showDiff = () =>
    run(async () => {
      const order = (list.data ?? []).map((c) => c.id);
      const [a, b] = [...picked].sort((x, y) => order.indexOf(y) - order.indexOf(x));
      setDiff(await reviewApi.checkpointDiff(id, a!, b ?? "worktree"));
    });
  const toggle = (cid: string) =>
    setPicked((p) => (p.includes(cid) ? p.filter((x) => x !== cid) : [...p, cid].slice(-2)));
  return (
    <Modal title="Checkpoints" onClose={props.onClose} wide>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <input
          value={label}
          maxLength={200}
          placeholder="Label (optional)"
          aria-label="Checkpoint label"
          onInput={(e) => setLabel(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy} data-testid="checkpoint-create">
          Take a checkpoint now
        </button>
      </form>
      <Status loading={list.loading} error={list.error} hasData={!!list.data} />
      {list.data?.length === 0 && <p class="muted">No checkpoints yet.</p>}
      <ul class="checkpoints">
        {(list.data ?? []).map((c) => (
          <li key={c.id} data-testid="checkpoint">
            <label class="choice">
              <input type="checkbox" checked={picked.includes(c.id)} onChange={() => toggle(c.id)} />
              <code>{shortId(c.id)}</code> {c.label || <span class="muted">(no label)</span>}{" "}
              <span class="muted">{ago(c.createdAt)}</span>
            </label>
            <button type="button" class="small" disabled={busy} onClick={() => setRestoring(c)} data-testid="checkpoint-restore">
              Restore…
            </button>
          </li>
        ))}
      </ul>
      {restoring && (
        <div class="confirm-inline">
          <Confirmation text={restoreText(restoring, ago(restoring.createdAt))} />
          <button type="button" onClick={() => setRestoring(null)}>
            Don't
          </button>{" "}
          <button type="button" class="danger" disabled={busy} onClick={() => void restore(restoring)} data-testid="checkpoint-restore-confirm">
            Restore
          </button>
        </div>
      )}
      {note && (
        <p class="small-text ok" role="status" data-testid="checkpoint-note">
          {note}
        </p>
      )}
      <RunError error={error} />
      {diff && <CheckpointDiffView diff={diff} />}
      <Buttons onClose={props.onClose} closeLabel="Close">
        <button type="button" disabled={busy || picked.length === 0} onClick={() => void showDiff()} data-testid="checkpoint-diff">
          {picked.length === 2 ? "Diff the two" : "Diff against the worktree"}
        </button>
      </Buttons>
    </Modal>
  );
}

function CheckpointDiffView(props: { diff: CheckpointDiff }) {
  const d = props.diff;
  return (
    <div class="checkpoint-diff" data-testid="checkpoint-diff-view">
      <p class="muted small-text">
        {shortId(d.from)} → {d.to === "worktree" ? "worktree" : shortId(d.to)} · {d.files.length} file
        {d.files.length === 1 ? "" : "s"}
        {d.truncated ? " (cut)" : ""}
      </p>
      {d.files.map((f) => (
        <details key={f.path}>
          <summary>
            <code>{f.path}</code> <span class="add">+{f.insertions}</span> <span class="del">−{f.deletions}</span>
          </summary>
          <DiffView file={f} />
        </details>
      ))}
    </div>
  );
}
