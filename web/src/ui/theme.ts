// Dark and light themes: the page follows `data-theme` on <html>; the choice is remembered, and
// without one the system preference decides. Terminals get matching xterm colours.
import type { ITheme } from "@xterm/xterm";

export type Theme = "dark" | "light";

const KEY = "parawork.theme";

export function initialTheme(): Theme {
  const saved = localStorage.getItem(KEY);
  if (saved === "dark" || saved === "light") return saved;
  return matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset["theme"] = theme;
  localStorage.setItem(KEY, theme);
}

export function terminalTheme(theme: Theme): ITheme {
  return theme === "dark"
    ? { background: "#14161b", foreground: "#d8dee9", cursor: "#d8dee9", selectionBackground: "#3b4252" }
    : { background: "#fbfbfc", foreground: "#24292f", cursor: "#24292f", selectionBackground: "#c8d1dc" };
}
