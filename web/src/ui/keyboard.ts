// Keyboard shortcuts: Ctrl/Cmd+1…9 switch workspaces, Ctrl/Cmd+Shift+N (Alt+N) opens the
// new-workspace dialog, Ctrl/Cmd+Shift+K (Alt+T) focuses the agent terminal. Chosen so the
// browser keeps its own Ctrl+N/Ctrl+T, and handled in the capture phase so they work while a
// terminal has the focus.
export interface Shortcuts {
  focusNth(n: number): void;
  newWorkspace(): void;
  focusTerminal(): void;
}

export function installShortcuts(s: Shortcuts): () => void {
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.shiftKey && !e.altKey && e.key >= "1" && e.key <= "9") {
      e.preventDefault();
      e.stopPropagation();
      s.focusNth(Number(e.key) - 1);
      return;
    }
    // e.code, not e.key: Alt+letter types other characters on some layouts (macOS).
    const action =
      (mod && e.shiftKey && e.code === "KeyN") || (e.altKey && !mod && e.code === "KeyN")
        ? s.newWorkspace
        : (mod && e.shiftKey && e.code === "KeyK") || (e.altKey && !mod && e.code === "KeyT")
          ? s.focusTerminal
          : null;
    if (action) {
      // Also keeps the key from the terminal underneath (it would reach the agent).
      e.preventDefault();
      e.stopPropagation();
      action();
    }
  };
  window.addEventListener("keydown", onKey, true);
  return () => window.removeEventListener("keydown", onKey, true);
}
