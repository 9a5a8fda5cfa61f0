// What a first run shows: the three steps, each with its button when it is the next one.
export function EmptyState(props: {
  hasRepository: boolean;
  onAddRepository: () => void;
  onNewWorkspace: () => void;
}) {
  return (
    <section class="empty-state" data-testid="empty-state">
      <h2>parawork works in three steps</h2>
      <ol class="steps">
        <li class={props.hasRepository ? "done" : ""}>
          <strong>Add a repository</strong>: point parawork at a git repository on this machine.
          {!props.hasRepository && (
            <div>
              <button type="button" class="primary" onClick={props.onAddRepository}>
                Add a repository
              </button>
            </div>
          )}
        </li>
        <li>
          <strong>Create a workspace</strong>: a branch in its own git worktree, so parallel work never
          collides.
          {props.hasRepository && (
            <div>
              <button type="button" class="primary" onClick={props.onNewWorkspace}>
                New workspace
              </button>
            </div>
          )}
        </li>
        <li>
          <strong>Start an agent</strong>: run a coding agent in the workspace and watch it here, while
          others run in the background. You'll be told when one finishes or waits for you.
        </li>
      </ol>
      <p class="muted small-text">
        Keys: <kbd>Ctrl</kbd>+<kbd>1</kbd>…<kbd>9</kbd> switch workspaces · <kbd>Alt</kbd>+<kbd>N</kbd> new
        workspace · <kbd>Alt</kbd>+<kbd>T</kbd> focus the terminal
      </p>
    </section>
  );
}
