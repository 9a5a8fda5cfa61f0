// The left column: the workspaces whose agent waits for the person (with why) on top, then the
// repositories and, under each, their workspaces with live status, branch, what the agent does
// and a badge when a background agent finished or waits; at the bottom the archived ones, collapsed.
import { useState } from "preact/hooks";
import { liveActivity, waitingText } from "../lib/attention";
import { orderedWorkspaces, type State } from "../lib/store";
import type { Activity, Repository, Workspace } from "../lib/types";
import { unarchiveText } from "../lib/ship";
import { focusWorkspace, unarchiveWorkspace } from "./controller";
import { ago, branchOf, statusLabel } from "./format";
import { useRun } from "./load";
import { useStore } from "./use_store";

const selectSidebar = (s: State) => s;

export function Sidebar(props: {
  onAddRepository: () => void;
  onNewWorkspace: (repositoryId: string | null) => void;
  onDeleteRepository: (r: Repository) => void;
}) {
  const state = useStore(selectSidebar);
  const ordered = orderedWorkspaces(state);
  const activityOf = (w: Workspace) => liveActivity(state.sessions[w.id]);
  const waiting = ordered.filter((w) => activityOf(w)?.state === "waiting");
  const others = ordered.filter((w) => !waiting.includes(w));
  const groups: { repo: Repository | null; items: Workspace[] }[] = state.repositories.map(
    (repo) => ({ repo, items: others.filter((w) => w.repositoryId === repo.id) }),
  );
  const orphans = others.filter(
    (w) => !w.repositoryId || !state.repositories.some((r) => r.id === w.repositoryId),
  );
  const item = (w: Workspace) => (
    <WorkspaceItem
      key={w.id}
      workspace={w}
      index={ordered.indexOf(w)}
      focused={state.focusedId === w.id}
      attention={state.attention[w.id]}
      activity={activityOf(w)}
    />
  );
  if (orphans.length) groups.push({ repo: null, items: orphans });

  return (
    <nav class="sidebar" aria-label="Repositories and workspaces">
      <div class="sidebar-head">
        <span class="sidebar-title">Repositories</span>
        <button type="button" class="small" onClick={props.onAddRepository} data-testid="add-repo">
          + Add
        </button>
      </div>
      {waiting.length > 0 && (
        <section class="repo needs-you" data-testid="needs-you">
          <div class="repo-head">
            <span class="repo-name">Needs you</span>
          </div>
          <ul class="workspaces">{waiting.map(item)}</ul>
        </section>
      )}
      {groups.length === 0 && <p class="muted small-text">No repositories yet.</p>}
      {groups.map(({ repo, items }) => (
        <section class="repo" key={repo?.id ?? "none"}>
          <div class="repo-head">
            <span class="repo-name" title={repo?.path ?? ""}>
              {repo?.name ?? "Other"}
            </span>
            {repo && (
              <span class="repo-actions">
                <button
                  type="button"
                  class="icon"
                  title="New workspace"
                  aria-label={`New workspace in ${repo.name}`}
                  onClick={() => props.onNewWorkspace(repo.id)}
                >
                  +
                </button>
                <button
                  type="button"
                  class="icon"
                  title="Remove repository"
                  aria-label={`Remove repository ${repo.name}`}
                  onClick={() => props.onDeleteRepository(repo)}
                >
                  ×
                </button>
              </span>
            )}
          </div>
          <ul class="workspaces">
            {items.map(item)}
            {items.length === 0 && <li class="muted small-text">No workspaces yet</li>}
          </ul>
        </section>
      ))}
      {state.archived.length > 0 && <Archived workspaces={state.archived} />}
    </nav>
  );
}

function WorkspaceItem(props: {
  workspace: Workspace;
  index: number;
  focused: boolean;
  attention: State["attention"][string] | undefined;
  activity: Activity | null;
}) {
  const w = props.workspace;
  const activity = props.activity;
  const branch = branchOf(w);
  return (
    <li>
      <button
        type="button"
        class={`workspace-item${props.focused ? " focused" : ""}`}
        aria-current={props.focused ? "page" : undefined}
        data-testid="workspace-item"
        data-workspace-id={w.id}
        onClick={() => focusWorkspace(w.id)}
      >
        <span class={`status-dot status-${w.status}`} title={statusLabel(w.status)} />
        <span class="workspace-text">
          <span class="workspace-name">{w.name}</span>
          <span class="workspace-meta">
            {branch && <span class="branch">{branch}</span>}
            <span>
              {statusLabel(w.status)} · {ago(w.updatedAt)}
            </span>
            {activity && <ActivityMark activity={activity} />}
          </span>
          {activity?.state === "waiting" && (
            <span class="waiting-reason" data-testid="waiting-reason" title={waitingText(activity)}>
              {waitingText(activity)}
            </span>
          )}
        </span>
        {props.attention && (
          <span class={`badge badge-${props.attention}`} data-testid="attention-badge">
            {props.attention === "waiting" ? "waiting" : props.attention === "failed" ? "failed" : "done"}
          </span>
        )}
        {props.index < 9 && <kbd class="shortcut">{props.index + 1}</kbd>}
      </button>
    </li>
  );
}

/** A quiet word for an idle agent, a small moving mark for a working one; waiting says why above. */
function ActivityMark(props: { activity: Activity }) {
  const state = props.activity.state;
  if (state === "idle") return <span class="activity activity-idle" data-testid="activity">idle</span>;
  if (state === "working")
    return (
      <span class="activity activity-working" data-testid="activity" title="Working" aria-label="Working">
        ●
      </span>
    );
  return null;
}

/** Archived workspaces, collapsed; each with Unarchive (confirmed, saying what comes back). */
function Archived(props: { workspaces: Workspace[] }) {
  return (
    <details class="repo archived" data-testid="archived">
      <summary class="repo-head">
        <span class="repo-name">Archived ({props.workspaces.length})</span>
      </summary>
      <ul class="workspaces">
        {props.workspaces.map((w) => (
          <ArchivedItem key={w.id} workspace={w} />
        ))}
      </ul>
    </details>
  );
}

function ArchivedItem(props: { workspace: Workspace }) {
  const w = props.workspace;
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useRun();
  const unarchive = () => run(() => unarchiveWorkspace(w.id));
  return (
    <li class="archived-item" data-testid="archived-item" data-workspace-id={w.id}>
      <span class="workspace-name">{w.name}</span>
      <span class="workspace-meta">
        {branchOf(w) && <span class="branch">{branchOf(w)}</span>}
        {w.archivedAt ? <span>archived {ago(w.archivedAt)}</span> : null}
      </span>
      {confirming ? (
        <span class="confirm-inline">
          <span class="small-text" data-testid="confirmation">{unarchiveText(w.name, branchOf(w))}</span>
          <button type="button" class="small" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <button type="button" class="small primary" disabled={busy} onClick={() => void unarchive()} data-testid="unarchive-confirm">
            {busy ? "Unarchiving…" : "Unarchive"}
          </button>
        </span>
      ) : (
        <button type="button" class="small" onClick={() => setConfirming(true)} data-testid="unarchive">
          Unarchive…
        </button>
      )}
      {error && <span class="notice error">{error}</span>}
    </li>
  );
}
