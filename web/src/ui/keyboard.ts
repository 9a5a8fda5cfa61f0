// Keyboard shortcuts: Ctrl/Cmd+1…9 switch workspaces, Ctrl/Cmd+Shift+N (Alt+N) opens the
// new-workspace dialog, Ctrl/Cmd+Shift+K (Alt+T) focuses the agent terminal, Alt+J jumps to the
// next workspace whose agent needs you. Chosen so the browser keeps its own Ctrl+N/Ctrl+T (and
// Ctrl+Shift+J, its console), and handled in the capture phase so they work while a terminal has
// the focus. The list is KEYS below, which the page's keyboard help shows.
export interface Shortcuts {
  focusNth(n: number): void;
  newWorkspace(): void;
  focusTerminal(): void;
  nextWaiting(): void;
}

/** The keyboard help: each shortcut and what it does. */
export const KEYS: readonly (readonly [string, string])[] = [
  ["Ctrl+1…9", "Switch to the Nth workspace (those that need you come first)"],
  ["Alt+J", "Jump to the next workspace whose agent needs you"],
  ["Ctrl+Shift+N · Alt+N", "New workspace"],
  ["Ctrl+Shift+K · Alt+T", "Focus the agent's terminal"],
];

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
          : e.altKey && !mod && !e.shiftKey && e.code === "KeyJ"
            ? s.nextWaiting
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
