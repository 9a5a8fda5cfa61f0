// Review comments inside a diff: a thread under the lines it is about (resolved ones dimmed,
// sent ones marked) with edit/resolve/reopen/delete, and the box that writes a new one (or
// rewrites one).
import { useState } from "preact/hooks";
import { rangeLabel, type LineRange } from "../lib/review";
import type { ReviewComment } from "../lib/types";
import { ago } from "./format";
import { useRun } from "./load";

export interface CommentActions {
  update(c: ReviewComment, change: { resolved?: boolean; body?: string }): Promise<void>;
  remove(c: ReviewComment): Promise<void>;
}

/** The longest comment the daemon takes (16 KiB; counted in characters here, bytes there). */
const MAX_BODY = 16 * 1024;

export function CommentThread(props: { comments: ReviewComment[]; actions: CommentActions; withRange?: boolean }) {
  return (
    <div class="diff-comments">
      {props.comments.map((c) => (
        <Comment key={c.id} comment={c} actions={props.actions} withRange={props.withRange ?? false} />
      ))}
    </div>
  );
}

function Comment(props: { comment: ReviewComment; actions: CommentActions; withRange: boolean }) {
  const c = props.comment;
  const { busy, error, run: act } = useRun();
  const [editing, setEditing] = useState(false);
  if (editing)
    return (
      <CommentBox
        label="Edit the comment"
        initial={c.body}
        onSave={async (body) => {
          await props.actions.update(c, { body });
          setEditing(false);
        }}
        onCancel={() => setEditing(false)}
      />
    );
  return (
    <div class={`review-comment${c.resolved ? " resolved" : ""}`} data-testid="review-comment" data-comment-id={c.id}>
      <div class="review-comment-head">
        <span class="muted">
          {props.withRange || c.endLine !== null ? rangeLabel(c) : ""} {ago(c.createdAt)}
        </span>
        {c.sentAt !== null && (
          <span class="sent-mark" data-testid="comment-sent" title={`Sent to the agent ${ago(c.sentAt)}`}>
            sent
          </span>
        )}
        {c.resolved && <span class="muted">resolved</span>}
        <span class="spacer" />
        <button type="button" class="small" disabled={busy} data-testid="comment-edit" onClick={() => setEditing(true)}>
          Edit
        </button>
        <button
          type="button"
          class="small"
          disabled={busy}
          data-testid={c.resolved ? "comment-reopen" : "comment-resolve"}
          onClick={() => void act(() => props.actions.update(c, { resolved: !c.resolved }))}
        >
          {c.resolved ? "Reopen" : "Resolve"}
        </button>
        <button
          type="button"
          class="small"
          disabled={busy}
          data-testid="comment-delete"
          onClick={() => void act(() => props.actions.remove(c))}
        >
          Delete
        </button>
      </div>
      <p class="review-comment-body">{c.body}</p>
      {error && <p class="notice error">{error}</p>}
    </div>
  );
}

/** The box under selected lines (or over a comment being edited): Ctrl/Cmd+Enter saves, Escape
 * cancels. */
export function CommentBox(props: {
  range?: LineRange;
  label?: string;
  initial?: string;
  onSave: (body: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [body, setBody] = useState(props.initial ?? "");
  const { busy, error, run } = useRun();
  const save = async () => {
    if (body.trim()) await run(() => props.onSave(body));
  };
  const r = props.range;
  return (
    <form
      class="comment-box"
      data-testid="comment-box"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <span class="muted small-text">{r ? `Comment on ${rangeLabel({ ...r, endLine: r.endLine })}` : props.label}</span>
      <textarea
        value={body}
        maxLength={MAX_BODY}
        rows={3}
        autoFocus
        aria-label="Comment"
        data-testid="comment-input"
        placeholder="What should change here?"
        onInput={(e) => setBody(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          } else if (e.key === "Escape") {
            e.preventDefault();
            props.onCancel();
          }
        }}
      />
      {error && <p class="notice error">{error}</p>}
      <div class="comment-box-buttons">
        <button type="button" class="small" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="submit" class="small primary" disabled={busy || !body.trim()} data-testid="comment-save">
          {busy ? "Saving…" : props.initial !== undefined ? "Save" : "Comment"}
        </button>
      </div>
    </form>
  );
}
