// Review mode's plain logic (issue 20 §7.1), unit-tested without a browser: the line numbers of a
// unified diff's rows, what a click (or shift-click) on them comments on, where each comment
// shows (under the last line it covers), the per-file "viewed" marks keyed by a hash of the
// file's diff (a changed file becomes unviewed), and whether the "Send N comments" bar is enabled.
import type { Activity, ReviewComment, Session } from "./types";

export type RowKind = "hunk" | "file" | "add" | "del" | "ctx";

/** One row of a file's diff with the line it is in the old file and in the new one. */
export interface DiffRow {
  text: string;
  kind: RowKind;
  oldLine: number | null;
  newLine: number | null;
}

export function rowKind(line: string): RowKind {
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+++") || line.startsWith("---")) return "file";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "ctx";
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Numbers the rows of a unified diff: added rows count in the new file, removed in the old. */
export function diffRows(diff: string): DiffRow[] {
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  return diff.split("\n").map((text): DiffRow => {
    const hunk = HUNK.exec(text);
    if (hunk) {
      oldLine = Number(hunk[1]);
      newLine = Number(hunk[2]);
      inHunk = true;
      return { text, kind: "hunk", oldLine: null, newLine: null };
    }
    // "---"/"+++" only name files before the first hunk; inside one they are code.
    const kind = !inHunk ? (rowKind(text) === "hunk" ? "hunk" : "file") : codeKind(text);
    if (kind === "add") return { text, kind, oldLine: null, newLine: newLine++ };
    if (kind === "del") return { text, kind, oldLine: oldLine++, newLine: null };
    if (kind === "ctx" && text.startsWith(" ")) return { text, kind, oldLine: oldLine++, newLine: newLine++ };
    return { text, kind: kind === "ctx" ? "file" : kind, oldLine: null, newLine: null };
  });
}

function codeKind(text: string): RowKind {
  if (text.startsWith("+")) return "add";
  if (text.startsWith("-")) return "del";
  return "ctx";
}

/** What a comment covers: lines `line`…`endLine` of the new file (or, `side` old, the base's). */
export interface LineRange {
  side: "new" | "old";
  line: number;
  endLine: number;
}

/** The line a row stands for: its new line when it has one (added, context), else its old one. */
export function rowRef(row: DiffRow): { side: "new" | "old"; line: number } | null {
  if (row.newLine !== null) return { side: "new", line: row.newLine };
  if (row.oldLine !== null) return { side: "old", line: row.oldLine };
  return null;
}

/**
 * The range from the row first clicked (`anchor`) to the row shift-clicked (`to`), on the
 * anchor's side; a row with no line on that side (a removed row after an added one) starts a
 * range of its own. Null for rows that are no line (hunk headers).
 */
export function selectRange(rows: DiffRow[], anchor: number | null, to: number): LineRange | null {
  const end = rows[to];
  const endRef = end ? rowRef(end) : null;
  if (!endRef) return null;
  const start = anchor === null ? undefined : rows[anchor];
  const startRef = start ? rowRef(start) : null;
  if (!start || !startRef) return { side: endRef.side, line: endRef.line, endLine: endRef.line };
  const other = startRef.side === "new" ? end!.newLine : end!.oldLine;
  if (other === null) return { side: endRef.side, line: endRef.line, endLine: endRef.line };
  return { side: startRef.side, line: Math.min(startRef.line, other), endLine: Math.max(startRef.line, other) };
}

/** Whether `row` lies in `range` (for highlighting the selected lines). */
export function rowInRange(row: DiffRow, range: LineRange): boolean {
  const n = range.side === "new" ? row.newLine : row.oldLine;
  return n !== null && n >= range.line && n <= range.endLine;
}

/** The comments' last covered line (endLine, or line when it has none). */
export const lastLine = (c: Pick<ReviewComment, "line" | "endLine">) => c.endLine ?? c.line;

/**
 * Where each comment shows: under the row of its last line (on its side), in creation order;
 * comments on lines the diff no longer shows are `elsewhere` (listed above the diff).
 */
export function placeComments(
  rows: DiffRow[],
  comments: ReviewComment[],
): { byRow: Map<number, ReviewComment[]>; elsewhere: ReviewComment[] } {
  const rowOf = { new: new Map<number, number>(), old: new Map<number, number>() };
  rows.forEach((r, i) => {
    if (r.newLine !== null) rowOf.new.set(r.newLine, i);
    // A context row is the place of both its lines; a removed row of its old one only.
    if (r.oldLine !== null && (r.kind === "del" || !rowOf.old.has(r.oldLine))) rowOf.old.set(r.oldLine, i);
  });
  const byRow = new Map<number, ReviewComment[]>();
  const elsewhere: ReviewComment[] = [];
  const sorted = [...comments].sort((a, b) => a.createdAt - b.createdAt);
  for (const c of sorted) {
    const at = rowOf[c.side === "old" ? "old" : "new"].get(lastLine(c));
    if (at === undefined) elsewhere.push(c);
    else byRow.set(at, [...(byRow.get(at) ?? []), c]);
  }
  return { byRow, elsewhere };
}

/** Comments by file path, each file's in line order. */
export function commentsByPath(comments: ReviewComment[]): Map<string, ReviewComment[]> {
  const out = new Map<string, ReviewComment[]>();
  for (const c of comments) out.set(c.path, [...(out.get(c.path) ?? []), c]);
  for (const list of out.values()) list.sort((a, b) => a.line - b.line || a.createdAt - b.createdAt);
  return out;
}

/** "line 12" or "lines 12–15" (of the base, for side old). */
export function rangeLabel(c: Pick<ReviewComment, "line" | "endLine" | "side">): string {
  const end = lastLine(c);
  const lines = end > c.line ? `lines ${c.line}–${end}` : `line ${c.line}`;
  return c.side === "old" ? `${lines} (old)` : lines;
}

/** A short stable hash of a file's diff (FNV-1a, 32 bits, hex): what a "viewed" mark is for. */
export function diffHash(diff: string | null): string {
  let h = 0x811c9dc5;
  const text = diff ?? "";
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

/** The part of localStorage the marks use (injected by the tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** At most this many marks per workspace (the oldest go first). */
export const MAX_VIEWED = 500;

export const viewedKey = (workspaceId: string) => `parawork.viewed.${workspaceId}`;

/** The workspace's marks: file path → the hash of the diff that was viewed. */
export function loadViewed(store: KeyValueStore, workspaceId: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(store.getItem(viewedKey(workspaceId)) ?? "{}");
    if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
    const out: Record<string, string> = {};
    for (const [k, h] of Object.entries(v)) if (typeof h === "string") out[k] = h;
    return out;
  } catch {
    return {};
  }
}

/** Whether `path` was viewed as its diff reads now (a changed diff is not viewed any more). */
export function isViewed(marks: Record<string, string>, path: string, diff: string | null): boolean {
  return marks[path] === diffHash(diff);
}

/** Marks (or unmarks) `path` as viewed at this diff and saves; returns the new marks. */
export function setViewed(
  store: KeyValueStore,
  workspaceId: string,
  path: string,
  diff: string | null,
  viewed: boolean,
): Record<string, string> {
  const marks = loadViewed(store, workspaceId);
  delete marks[path];
  if (viewed) marks[path] = diffHash(diff);
  const entries = Object.entries(marks).slice(-MAX_VIEWED);
  const kept = Object.fromEntries(entries);
  try {
    store.setItem(viewedKey(workspaceId), JSON.stringify(kept));
  } catch {
    // Storage full or refused: the mark lasts as long as the page.
  }
  return kept;
}

/** The comments "Send" sends by default: open and not yet sent. */
export const unsentComments = (comments: ReviewComment[]) => comments.filter((c) => !c.resolved && c.sentAt === null);

export interface SendBar {
  count: number;
  enabled: boolean;
  /** Why it is disabled (shown beside it), or null. */
  reason: string | null;
}

function activityReason(activity: Activity | undefined): string | null {
  if (!activity) return null; // the daemon decides when the page does not know
  switch (activity.state) {
    case "idle":
    case "waiting":
      return null;
    case "working":
      return "The agent is working: send when it is idle or waits for you";
    case "starting":
      return "The agent is starting";
    default:
      return `The agent is ${activity.state}`;
  }
}

/** The "Send N comments to agent" bar: enabled only with comments to send and an agent that listens. */
export function sendBar(comments: ReviewComment[], session: Session | undefined): SendBar {
  const count = unsentComments(comments).length;
  const live = session && (session.status === "running" || session.status === "starting");
  const reason =
    count === 0
      ? "No open comments to send"
      : !live
        ? "No agent is running in this workspace: start one first"
        : activityReason(session.activity);
  return { count, enabled: reason === null, reason };
}

export const sendLabel = (n: number) => `Send ${n} comment${n === 1 ? "" : "s"} to agent`;
