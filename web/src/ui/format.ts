// Small display helpers shared by the components.
import type { Workspace } from "../lib/types";

export function ago(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} d ago`;
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60000);
  return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
}

export function statusLabel(status: string): string {
  switch (status) {
    case "idle":
      return "idle";
    case "running":
      return "running";
    case "completed":
      return "finished";
    case "error":
      return "failed";
    default:
      return status.replace(/_/g, " ");
  }
}

export function branchOf(w: Workspace): string | null {
  return w.gitWorktree?.branchName ?? null;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
