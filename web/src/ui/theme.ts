// Dark and light themes: the page follows `data-theme` on <html>. Until the person picks one with
// the theme button, the system's `prefers-color-scheme` decides, live; their pick is remembered
// and wins from then on. Terminals get matching xterm colours.
import type { ITheme } from "@xterm/xterm";

export type Theme = "dark" | "light";

const KEY = "parawork.theme";
const LIGHT = "(prefers-color-scheme: light)";

/** The theme the person picked (remembered), or null. */
function pickedTheme(): Theme | null {
  const saved = localStorage.getItem(KEY);
  return saved === "dark" || saved === "light" ? saved : null;
}

function systemTheme(): Theme {
  return matchMedia(LIGHT).matches ? "light" : "dark";
}

export function initialTheme(): Theme {
  return pickedTheme() ?? systemTheme();
}

/** Shows `theme`; remembering it is `pickTheme`'s job, so the system keeps deciding until then. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset["theme"] = theme;
}

/** The person's pick (the theme button): remembered, and it wins over the system from now on. */
export function pickTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
}

/** Calls `fn` when the system's preference changes while the person has picked nothing. */
export function followSystemTheme(fn: (theme: Theme) => void): () => void {
  const query = matchMedia(LIGHT);
  const changed = () => {
    if (!pickedTheme()) fn(systemTheme());
  };
  query.addEventListener("change", changed);
  return () => query.removeEventListener("change", changed);
}

export function terminalTheme(theme: Theme): ITheme {
  return theme === "dark"
    ? { background: "#14161b", foreground: "#d8dee9", cursor: "#d8dee9", selectionBackground: "#3b4252" }
    : { background: "#fbfbfc", foreground: "#24292f", cursor: "#24292f", selectionBackground: "#c8d1dc" };
}
