// One file's unified diff: lines coloured by kind (added, removed, hunk header) and, for known
// languages, syntax-highlighted once the highlighter has loaded. With `review`, the line numbers
// are buttons: a click (or a shift-click for a range) opens a comment box under the lines, and
// the comments show under the lines they are about (review_thread.tsx).
import { Fragment } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { diffRows, placeComments, rowInRange, selectRange, type DiffRow, type LineRange } from "../lib/review";
import type { FileDiff, ReviewComment } from "../lib/types";
import { highlightLines } from "./highlight";
import { CommentBox, CommentThread, type CommentActions } from "./review_thread";

/** Code lines (add, del, context) lose their one-character marker before highlighting. */
const isCode = (r: DiffRow) => r.oldLine !== null || r.newLine !== null;

export interface DiffReview extends CommentActions {
  /** This file's comments. */
  comments: ReviewComment[];
  add(range: LineRange, body: string): Promise<void>;
}

export function DiffView(props: { file: FileDiff; review?: DiffReview }) {
  const f = props.file;
  const rows = useMemo(() => diffRows(f.diff ?? ""), [f.diff]);
  const [html, setHtml] = useState<string[] | null>(null);
  // The row first clicked and the range selected from it; the comment box shows under its end.
  const [anchor, setAnchor] = useState<number | null>(null);
  const [selection, setSelection] = useState<{ range: LineRange; row: number } | null>(null);
  useEffect(() => {
    let live = true;
    const code = rows.map((r) => (isCode(r) ? r.text.slice(1) : ""));
    void highlightLines(f.path, code)
      .then((h) => live && setHtml(h))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [rows, f.path]);
  const review = props.review;
  const placed = useMemo(() => placeComments(rows, review?.comments ?? []), [rows, review?.comments]);

  if (f.binary) return <p class="muted">Binary file</p>;
  if (f.diff === null) return <p class="muted">The diff is too large to show here.</p>;
  const pick = (i: number, shift: boolean) => {
    const range = selectRange(rows, shift ? anchor : null, i);
    if (!range) return;
    if (!shift) setAnchor(i);
    setSelection({ range, row: shift && anchor !== null ? Math.max(anchor, i) : i });
  };
  return (
    <>
      {review && placed.elsewhere.length > 0 && (
        <div class="diff-comments elsewhere" data-testid="comments-elsewhere">
          <p class="muted small-text">On lines this diff no longer shows:</p>
          <CommentThread comments={placed.elsewhere} actions={review} withRange />
        </div>
      )}
      <pre class={`diff${review ? " reviewable" : ""}`} data-testid="diff">
        {rows.map((row, i) => {
          const highlighted = html?.[i];
          const selected = selection !== null && rowInRange(row, selection.range);
          const comments = placed.byRow.get(i);
          return (
            <Fragment key={i}>
              <div class={`diff-line ${row.kind}${selected ? " selected" : ""}`} data-row={i}>
                {review && <LineNumber row={row} onPick={(shift) => pick(i, shift)} />}
                {isCode(row) && highlighted !== undefined ? (
                  <>
                    {row.text[0] ?? " "}
                    <span dangerouslySetInnerHTML={{ __html: highlighted }} />
                  </>
                ) : (
                  row.text || " "
                )}
              </div>
              {review && comments && <CommentThread comments={comments} actions={review} />}
              {review && selection?.row === i && (
                <CommentBox
                  range={selection.range}
                  onCancel={() => setSelection(null)}
                  onSave={async (body) => {
                    await review.add(selection.range, body);
                    setSelection(null);
                  }}
                />
              )}
            </Fragment>
          );
        })}
        {f.diffTruncated && <div class="diff-line muted">… cut here (over 1 MiB)</div>}
      </pre>
    </>
  );
}

/** The gutter: the row's line number (new, else old) as a button that selects it. */
function LineNumber(props: { row: DiffRow; onPick: (shift: boolean) => void }) {
  const n = props.row.newLine ?? props.row.oldLine;
  if (n === null) return <span class="gutter" aria-hidden="true" />;
  return (
    <button
      type="button"
      class="gutter"
      title="Comment on this line (shift-click: up to this line)"
      aria-label={`Comment on line ${n}`}
      data-testid="diff-line-number"
      onClick={(e) => props.onPick(e.shiftKey)}
    >
      {n}
    </button>
  );
}
