// The daemon's JSON shapes (docs/api.md), as far as the UI reads them. Fields that other issues
// are still adding (ports, resources, dependencies) are optional and the UI shows nothing without
// them.

export type WorkspaceStatus = "idle" | "running" | "completed" | "error" | (string & {});
export type SessionStatus = "starting" | "running" | "completed" | "failed";

export interface Repository {
  id: string;
  name: string;
  path: string;
  defaultBranch: string;
  remoteUrl: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface GitWorktree {
  worktreePath: string;
  branchName: string;
  baseRepoPath: string;
  baseBranch: string;
  createdAt: number;
}

export interface Workspace {
  id: string;
  repositoryId: string | null;
  name: string;
  path: string;
  status: WorkspaceStatus;
  agentType: string | null;
  createdAt: number;
  updatedAt: number;
  lastFocusedAt: number | null;
  gitWorktree?: GitWorktree;
  /** When it was archived (issue 20), null or absent while it is live. */
  archivedAt?: number | null;
  /** Its pull request as last seen, null or absent without one. */
  pullRequest?: PullRequest | null;
}

/** What a session's program does (docs/agent-state.md): its activity, beside its status. */
export type ActivityState = "starting" | "working" | "waiting" | "idle" | "completed" | "failed";

export interface Activity {
  state: ActivityState | (string & {});
  /** Why it waits: "permission", "question", "input", "login", "error"; null unless waiting. */
  waitingFor: string | null;
  /** What the person should know ("wants to run `rm -rf build`"), or null. */
  reason: string | null;
  source: string;
  /** Since when (ms since the epoch). */
  since: number;
}

export interface Session {
  id: string;
  workspaceId: string;
  agentType: string;
  status: SessionStatus;
  processId: number | null;
  startedAt: number | null;
  completedAt: number | null;
  kind?: string;
  exitCode?: number | null;
  exitReason?: string | null;
  readyAt?: number | null;
  activity?: Activity;
}

export interface HistoryItem extends Session {
  messageCount: number;
  lastMessage: string | null;
  duration: number;
}

export interface AgentProfile {
  name: string;
  command: string;
  defaultArgs: string[];
  installed?: boolean;
}

export interface DirectoryEntry {
  name: string;
  path: string;
  isGitRepository: boolean;
  gitInfo?: { branch: string | null; remote: string | null };
}

export interface BrowseResult {
  currentPath: string;
  parentPath: string | null;
  entries: DirectoryEntry[];
}

export interface FileDiff {
  path: string;
  changeType: string;
  insertions: number;
  deletions: number;
  binary: boolean;
  diff: string | null;
  diffTruncated: boolean;
}

export interface WorkspaceDiff {
  baseRef: string;
  truncated: boolean;
  files: FileDiff[];
}

export interface AgentLog {
  id: number;
  timestamp: number;
  level: string;
  message: string;
}

export interface Message {
  id: string;
  role: string;
  content: string;
  timestamp: number;
}

/** A port a session listens on (`port_opened`) or declared; `url` is its preview. */
export interface Port {
  sessionId: string;
  workspaceId: string;
  port: number;
  url?: string;
  state?: string;
}

/** One `resource_sample`: whichever of these the daemon sends. */
export interface ResourceSample {
  timestamp: number;
  cpuPercent: number | null;
  memoryMb: number | null;
}

/** One project of a `dependency_status` report (a package.json, a pyproject.toml, …). */
export interface DependencyProject {
  name: string;
  status: string;
  message?: string;
}

/** A workspace's `dependency_status`: the overall state ("none" when it has no projects). */
export interface DependencySummary {
  status: string;
  projects: DependencyProject[];
}

/** A server event on the main WebSocket: `{type, data}`. */
export interface ServerEvent {
  type: string;
  data: Record<string, unknown>;
}

// Review and ship (issue 20, docs/review.md).

/** A review comment on lines of a workspace's diff. */
export interface ReviewComment {
  id: string;
  workspaceId: string;
  path: string;
  line: number;
  endLine: number | null;
  side: "new" | "old";
  body: string;
  quote: string;
  resolved: boolean;
  resolvedAt: number | null;
  sentAt: number | null;
  sentToSessionId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Checkpoint {
  id: string;
  ref: string;
  label: string;
  head: string | null;
  createdAt: number;
  workspaceId: string;
}

/** GET /checkpoints/diff: the shape of GET /diff with `from` and `to` for `baseRef`. */
export interface CheckpointDiff {
  from: string;
  to: string;
  truncated: boolean;
  files: FileDiff[];
}

export interface BranchStatus {
  branch: string;
  base: string;
  baseCommit: string;
  head: string;
  ahead: number;
  behind: number;
  fetched: boolean;
  fetchError: string | null;
  uncommittedFiles: number;
  sync: null | { method: SyncMethod; conflictedFiles: string[] };
}

export type SyncMethod = "rebase" | "merge";
export type MergeMode = "ff" | "merge" | "squash";

export interface SyncResult {
  result: "up-to-date" | "synced" | "conflicts";
  method: SyncMethod;
  head: string;
  conflictedFiles: string[];
  checkpoint: Checkpoint | null;
}

export interface MergeCheck {
  clean: boolean;
  fastForward: boolean;
  conflictedFiles: string[];
  base: string;
  baseCommit: string;
  head: string;
}

export interface MergeResult {
  merged: true;
  mode: MergeMode;
  base: string;
  baseCommit: string;
  previousBaseCommit: string;
}

export interface PullRequest {
  number: number;
  url: string;
  state: "open" | "draft" | "closed" | "merged" | (string & {});
  title: string;
  checks: { passing: number; failing: number; pending: number };
  reviewDecision: string | null;
  mergeable: string | boolean | null;
  refreshedAt: number;
}

export interface PushResult {
  pushed: true;
  remote: string;
  branch: string;
  remoteRef: string;
  compareUrl: string | null;
}

export interface PrResult {
  pullRequest: PullRequest | null;
  compareUrl: string | null;
  reason?: string;
}

export interface PrStatus {
  pullRequest: PullRequest | null;
  compareUrl: string | null;
  gh: { installed: boolean; loggedIn: boolean };
}
