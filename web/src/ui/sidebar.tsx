// The left column: repositories and, under each, their workspaces with live status, branch,
// activity and a badge when a background agent finished or waits.
import { orderedWorkspaces, type State } from "../lib/store";
import type { Repository, Workspace } from "../lib/types";
import { focusWorkspace } from "./controller";
import { ago, branchOf, statusLabel } from "./format";
import { useStore } from "./use_store";

const selectSidebar = (s: State) => s;

export function Sidebar(props: {
  onAddRepository: () => void;
  onNewWorkspace: (repositoryId: string | null) => void;
  onDeleteRepository: (r: Repository) => void;
}) {
  const state = useStore(selectSidebar);
  const ordered = orderedWorkspaces(state);
  const groups: { repo: Repository | null; items: Workspace[] }[] = state.repositories.map(
    (repo) => ({ repo, items: ordered.filter((w) => w.repositoryId === repo.id) }),
  );
  const orphans = ordered.filter(
    (w) => !w.repositoryId || !state.repositories.some((r) => r.id === w.repositoryId),
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
            {items.map((w) => (
              <WorkspaceItem
                key={w.id}
                workspace={w}
                index={ordered.indexOf(w)}
                focused={state.focusedId === w.id}
                attention={state.attention[w.id]}
              />
            ))}
            {items.length === 0 && <li class="muted small-text">No workspaces yet</li>}
          </ul>
        </section>
      ))}
    </nav>
  );
}

function WorkspaceItem(props: {
  workspace: Workspace;
  index: number;
  focused: boolean;
  attention: State["attention"][string] | undefined;
}) {
  const w = props.workspace;
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
          </span>
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
