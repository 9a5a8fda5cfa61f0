// The REST calls of review and ship (issue 20, docs/review.md): comments, checkpoints, commit,
// branch status, sync, merge, push, pull requests, archive.
import { request } from "./api";
import type {
  BranchStatus,
  Checkpoint,
  CheckpointDiff,
  MergeCheck,
  MergeMode,
  MergeResult,
  PrResult,
  PrStatus,
  PushResult,
  ReviewComment,
  SyncMethod,
  SyncResult,
  Workspace,
} from "./types";

const enc = encodeURIComponent;
const ws = (id: string) => `/api/workspaces/${enc(id)}`;

export interface NewComment {
  path: string;
  line: number;
  endLine?: number;
  side?: "new" | "old";
  body: string;
}

export const reviewApi = {
  comments: (id: string) => request<ReviewComment[]>("GET", `${ws(id)}/review/comments`),
  addComment: (id: string, c: NewComment) => request<ReviewComment>("POST", `${ws(id)}/review/comments`, c),
  updateComment: (id: string, commentId: string, change: { body?: string; resolved?: boolean }) =>
    request<ReviewComment>("PATCH", `${ws(id)}/review/comments/${enc(commentId)}`, change),
  deleteComment: (id: string, commentId: string) =>
    request<{ deleted: boolean }>("DELETE", `${ws(id)}/review/comments/${enc(commentId)}`),
  send: (id: string, commentIds?: string[]) =>
    request<{ sent: number; sessionId: string; message: string }>(
      "POST",
      `${ws(id)}/review/send`,
      commentIds ? { commentIds } : {},
    ),

  checkpoints: (id: string) => request<Checkpoint[]>("GET", `${ws(id)}/checkpoints`),
  createCheckpoint: (id: string, label?: string) =>
    request<{ checkpoint: Checkpoint; created: boolean }>("POST", `${ws(id)}/checkpoints`, label ? { label } : {}),
  checkpointDiff: (id: string, from: string, to: string) =>
    request<CheckpointDiff>("GET", `${ws(id)}/checkpoints/diff?from=${enc(from)}&to=${enc(to)}`),
  restoreCheckpoint: (id: string, checkpointId: string) =>
    request<{ restored: Checkpoint; saved: Checkpoint }>(
      "POST",
      `${ws(id)}/checkpoints/${enc(checkpointId)}/restore`,
    ),
  commit: (id: string, body: { message: string } | { askAgent: true }) =>
    request<{ commit?: string; message?: string; files?: number; asked?: boolean; sessionId?: string }>(
      "POST",
      `${ws(id)}/commit`,
      body,
    ),

  branch: (id: string) => request<BranchStatus>("GET", `${ws(id)}/branch`),
  sync: (id: string, method: SyncMethod) => request<SyncResult>("POST", `${ws(id)}/sync`, { method }),
  abortSync: (id: string) => request<{ aborted: boolean; head: string }>("POST", `${ws(id)}/sync/abort`),
  syncAskAgent: (id: string) => request<{ sessionId: string }>("POST", `${ws(id)}/sync/ask-agent`),
  /** Without a mode: the repository's default (ff when possible, else a merge commit). */
  mergeCheck: (id: string, mode: MergeMode | null) =>
    request<MergeCheck>("GET", `${ws(id)}/merge/check${mode ? `?mode=${enc(mode)}` : ""}`),
  merge: (id: string, body: { mode?: MergeMode; message?: string; archive?: boolean }) =>
    request<MergeResult>("POST", `${ws(id)}/merge`, body),
  archive: (id: string, deleteBranch: boolean) =>
    request<Workspace>("POST", `${ws(id)}/archive`, { deleteBranch }),
  unarchive: (id: string) => request<Workspace>("POST", `${ws(id)}/unarchive`),
  archived: () => request<Workspace[]>("GET", "/api/workspaces?archived=1"),

  push: (id: string) => request<PushResult>("POST", `${ws(id)}/push`, {}),
  openPr: (id: string, body: { title?: string; body?: string; draft?: boolean; askAgent?: boolean }) =>
    request<PrResult & { asked?: boolean; sessionId?: string }>("POST", `${ws(id)}/pr`, body),
  prStatus: (id: string) => request<PrStatus>("GET", `${ws(id)}/pr`),
};
