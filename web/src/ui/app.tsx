// The page: a top bar, the repositories and workspaces on the left, the focused workspace (or
// the first-run steps) in the middle, and the dialogs.
import { useEffect, useState } from "preact/hooks";
import type { State } from "../lib/store";
import type { Repository, Workspace } from "../lib/types";
import { waitingWorkspaces } from "../lib/attention";
import { deleteRepository, deleteWorkspace, focusNextWaiting, focusNth } from "./controller";
import { AddRepositoryDialog, NewWorkspaceDialog } from "./dialogs";
import { EmptyState } from "./empty_state";
import { KEYS, installShortcuts } from "./keyboard";
import { ConfirmDialog } from "./modal";
import { askNotificationPermission } from "./notify";
import { Sidebar } from "./sidebar";
import { setTerminalTheme } from "./terminal_pool";
import { applyTheme, followSystemTheme, initialTheme, pickTheme, type Theme } from "./theme";
import { useStore } from "./use_store";
import { WorkspaceView } from "./workspace_view";

type Dialog =
  | { kind: "add-repo" }
  | { kind: "new-workspace"; repositoryId: string | null }
  | { kind: "delete-workspace"; workspace: Workspace }
  | { kind: "delete-repo"; repository: Repository }
  | null;

const selectAll = (s: State) => s;

function focusAgentTerminal(): void {
  document.querySelector<HTMLTextAreaElement>(".agent-area .xterm-helper-textarea")?.focus();
}

export function App() {
  const state = useStore(selectAll);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [theme, setTheme] = useState<Theme>(initialTheme);

  useEffect(() => {
    applyTheme(theme);
    setTerminalTheme(theme);
  }, [theme]);
  useEffect(() => followSystemTheme(setTheme), []);
  useEffect(
    () =>
      installShortcuts({
        focusNth,
        newWorkspace: () => setDialog({ kind: "new-workspace", repositoryId: null }),
        focusTerminal: focusAgentTerminal,
        nextWaiting: focusNextWaiting,
      }),
    [],
  );
  // Browsers only grant notifications on a user gesture: ask on the first click.
  useEffect(() => {
    const once = () => askNotificationPermission();
    window.addEventListener("pointerdown", once, { once: true });
    return () => window.removeEventListener("pointerdown", once);
  }, []);

  const focused = state.workspaces.find((w) => w.id === state.focusedId);
  const close = () => setDialog(null);
  const needYou = waitingWorkspaces(state).length;

  return (
    <div class="app">
      <header class="bar">
        <h1 class="brand">parawork</h1>
        <span class="pill" data-state={state.connection} data-testid="connection">
          <span class="dot" aria-hidden="true" />
          {state.connection === "open" ? "Connected" : state.connection === "connecting" ? "Connecting…" : "Reconnecting…"}
        </span>
        {needYou > 0 && (
          <button
            type="button"
            class="need-you"
            onClick={focusNextWaiting}
            title="Jump to the next agent that needs you (Alt+J)"
            data-testid="need-you"
          >
            {needYou} {needYou === 1 ? "needs" : "need"} you
          </button>
        )}
        <span class="spacer" />
        <details class="keys" data-testid="keyboard-help">
          <summary title="Keyboard shortcuts">⌨</summary>
          <dl>
            {KEYS.map(([keys, what]) => (
              <div key={keys}>
                <dt>
                  <kbd>{keys}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </details>
        <button
          type="button"
          onClick={() => setDialog({ kind: "new-workspace", repositoryId: null })}
          disabled={state.repositories.length === 0}
          title="New workspace (Alt+N)"
          data-testid="new-workspace"
        >
          New workspace
        </button>
        <button
          type="button"
          class="icon"
          onClick={() => {
            const next = theme === "dark" ? "light" : "dark";
            pickTheme(next);
            setTheme(next);
          }}
          aria-label={`Switch to the ${theme === "dark" ? "light" : "dark"} theme`}
          data-testid="theme-toggle"
        >
          {theme === "dark" ? "☀" : "☾"}
        </button>
      </header>
      {state.problem === "login" && (
        <p class="notice error banner" role="alert">
          Not logged in (or the token was rotated or revoked): open the link that{" "}
          <code>parawork serve</code> printed, or that <code>parawork token link</code> prints (it
          contains <code>?token=…</code>).
        </p>
      )}
      <div class="layout">
        <Sidebar
          onAddRepository={() => setDialog({ kind: "add-repo" })}
          onNewWorkspace={(repositoryId) => setDialog({ kind: "new-workspace", repositoryId })}
          onDeleteRepository={(repository) => setDialog({ kind: "delete-repo", repository })}
        />
        <div class="content">
          {focused ? (
            <WorkspaceView
              key={focused.id}
              workspace={focused}
              onDelete={() => setDialog({ kind: "delete-workspace", workspace: focused })}
            />
          ) : !state.loaded ? (
            <div class="waiting">
              <progress aria-label="Loading" />
            </div>
          ) : state.workspaces.length === 0 ? (
            <EmptyState
              hasRepository={state.repositories.length > 0}
              onAddRepository={() => setDialog({ kind: "add-repo" })}
              onNewWorkspace={() => setDialog({ kind: "new-workspace", repositoryId: null })}
            />
          ) : (
            <p class="muted pick">Pick a workspace on the left (Ctrl+1…9; Alt+J: the next that needs you).</p>
          )}
        </div>
      </div>
      {dialog?.kind === "add-repo" && <AddRepositoryDialog onClose={close} />}
      {dialog?.kind === "new-workspace" && (
        <NewWorkspaceDialog repositoryId={dialog.repositoryId} onClose={close} />
      )}
      {dialog?.kind === "delete-workspace" && (
        <ConfirmDialog
          title="Delete workspace"
          message={`Delete “${dialog.workspace.name}”? Its sessions are stopped and its worktree${
            dialog.workspace.gitWorktree ? ` (${dialog.workspace.gitWorktree.worktreePath})` : ""
          } is removed.`}
          confirmLabel="Delete"
          onConfirm={() => deleteWorkspace(dialog.workspace.id)}
          onClose={close}
        />
      )}
      {dialog?.kind === "delete-repo" && (
        <ConfirmDialog
          title="Remove repository"
          message={`Remove “${dialog.repository.name}” from parawork? Nothing on disk is deleted; its workspaces stay.`}
          confirmLabel="Remove"
          onConfirm={() => deleteRepository(dialog.repository.id)}
          onClose={close}
        />
      )}
    </div>
  );
}

