// The Changes tab in review mode (issue 20 §7.1): the files changed against the base, each with
// a "viewed" mark (kept per workspace and file for this very diff), its diff with inline review
// comments, and the bar that sends the open comments to the agent.
import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../lib/api";
import { commentsByPath, isViewed, loadViewed, sendBar, sendLabel, setViewed, type LineRange } from "../lib/review";
import { reviewApi } from "../lib/review_api";
import type { FileDiff, ReviewComment, Session, WorkspaceDiff } from "../lib/types";
import { DiffView, type DiffReview } from "./diff_view";
import { errorText } from "./format";
import { Status, useLoad } from "./load";

const NO_COMMENTS: ReviewComment[] = [];

export function Changes(props: {
  workspaceId: string;
  session: Session | undefined;
  revision: number;
  reviewRevision: number;
}) {
  const id = props.workspaceId;
  const { data, error, loading } = useLoad<WorkspaceDiff>(() => api.diff(id), [id, props.revision]);
  // Reloaded on `review_comments_changed` and after this page's own changes.
  const [reload, setReload] = useState(0);
  const comments = useLoad<ReviewComment[]>(() => reviewApi.comments(id), [id, props.reviewRevision, reload]);
  const list = comments.data ?? NO_COMMENTS;
  const byPath = useMemo(() => commentsByPath(list), [list]);
  const [marks, setMarks] = useState(() => loadViewed(localStorage, id));
  const [open, setOpen] = useState<string | null>(null);
  const done = () => setReload((n) => n + 1);
  // Each change shows at once (the daemon's answer), then the list reloads.
  const setComments = comments.setData;
  const actions = useMemo(
    () => ({
      update: async (c: ReviewComment, change: { resolved?: boolean; body?: string }) => {
        const fresh = await reviewApi.updateComment(id, c.id, change);
        setComments((l) => l && l.map((x) => (x.id === fresh.id ? fresh : x)));
        done();
      },
      remove: async (c: ReviewComment) => {
        await reviewApi.deleteComment(id, c.id);
        setComments((l) => l && l.filter((x) => x.id !== c.id));
        done();
      },
    }),
    [id],
  );
  return (
    <div class="changes">
      <Status loading={loading} error={error} hasData={!!data} />
      <SendBar workspaceId={id} comments={list} session={props.session} onSent={done} />
      {comments.error && <p class="notice error small-text">Review comments: {comments.error}</p>}
      {data && (
        <>
          <p class="muted small-text">
            Against <code>{data.baseRef}</code> · {data.files.length} file{data.files.length === 1 ? "" : "s"} ·{" "}
            {data.files.filter((f) => isViewed(marks, f.path, f.diff)).length} viewed
          </p>
          {data.files.length === 0 && <p class="muted">No changes yet.</p>}
          <ul class="file-list">
            {data.files.map((f) => (
              <ChangedFile
                key={f.path}
                file={f}
                baseRef={data.baseRef}
                workspaceId={id}
                open={open === f.path}
                onToggle={() => setOpen(open === f.path ? null : f.path)}
                viewed={isViewed(marks, f.path, f.diff)}
                onViewed={(v) => {
                  setMarks(setViewed(localStorage, id, f.path, f.diff, v));
                  if (v && open === f.path) setOpen(null);
                }}
                review={{
                  ...actions,
                  comments: byPath.get(f.path) ?? NO_COMMENTS,
                  add: async (range: LineRange, body: string) => {
                    const added = await reviewApi.addComment(id, { path: f.path, ...range, body });
                    setComments((l) => [...(l ?? []), added]);
                    done();
                  },
                }}
              />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** "Send N comments to agent", disabled with the reason while it cannot be sent. */
function SendBar(props: { workspaceId: string; comments: ReviewComment[]; session: Session | undefined; onSent: () => void }) {
  const bar = sendBar(props.comments, props.session);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setResult(null), [props.workspaceId]);
  if (bar.count === 0 && !result) return null;
  const send = async () => {
    setBusy(true);
    setResult(null);
    try {
      const r = await reviewApi.send(props.workspaceId);
      setResult({ ok: true, text: `Sent ${r.sent} to the agent.` });
      props.onSent();
    } catch (e) {
      setResult({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="send-bar" data-testid="send-bar">
      {bar.count > 0 && (
        <button
          type="button"
          class="primary small"
          disabled={busy || !bar.enabled}
          title={bar.reason ?? ""}
          data-testid="send-comments"
          onClick={() => void send()}
        >
          {busy ? "Sending…" : sendLabel(bar.count)}
        </button>
      )}
      {bar.count > 0 && bar.reason && (
        <span class="muted small-text" data-testid="send-reason">
          {bar.reason}
        </span>
      )}
      {result && (
        <span class={result.ok ? "small-text ok" : "notice error"} role={result.ok ? "status" : "alert"}>
          {result.text}
        </span>
      )}
    </div>
  );
}

/** The change as a word (a lone letter read like git's "C", copied); the daemon's word as a title. */
const CHANGE_WORDS: Record<string, string> = { created: "new", modified: "modified", deleted: "deleted" };

function ChangedFile(props: {
  file: FileDiff;
  baseRef: string;
  workspaceId: string;
  open: boolean;
  onToggle: () => void;
  viewed: boolean;
  onViewed: (viewed: boolean) => void;
  review: DiffReview;
}) {
  const f = props.file;
  const [full, setFull] = useState<FileDiff | null>(null);
  useEffect(() => {
    // Files past the answer's diff budget come without their diff: ask for that file alone.
    if (props.open && f.diff === null && f.diffTruncated && !f.binary) {
      void api.diff(props.workspaceId, f.path).then((d) => setFull(d.files[0] ?? null));
    }
  }, [props.open]);
  const openComments = props.review.comments.filter((c) => !c.resolved).length;
  return (
    <li class={props.viewed ? "viewed" : ""}>
      <div class="file-head">
        <button type="button" class="file-row" onClick={props.onToggle} aria-expanded={props.open} data-testid="changed-file">
          <span
            class={`change change-${f.changeType}`}
            title={`${f.changeType} since ${props.baseRef}`}
            data-testid="change-type"
          >
            {CHANGE_WORDS[f.changeType] ?? f.changeType}
          </span>
          <span class="file-path">{f.path}</span>
          {openComments > 0 && (
            <span
              class="comment-count"
              title={`${openComments} open review comment${openComments === 1 ? "" : "s"}`}
              data-testid="comment-count"
            >
              [{openComments}]
            </span>
          )}
          <span class="add">+{f.insertions}</span>
          <span class="del">−{f.deletions}</span>
        </button>
        <label class="viewed-mark" title="Viewed: unmarked again when the file's diff changes">
          <input
            type="checkbox"
            checked={props.viewed}
            data-testid="viewed"
            onChange={(e) => props.onViewed(e.currentTarget.checked)}
          />
          Viewed
        </label>
      </div>
      {props.open && <DiffView file={full ?? f} review={props.review} />}
    </li>
  );
}
