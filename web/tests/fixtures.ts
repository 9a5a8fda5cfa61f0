// Entities as the daemon sends them, for the web unit tests.
import type { Workspace } from "../src/lib/types";

export function workspace(id: string, name: string, repositoryId: string | null, createdAt: number): Workspace {
  return {
    id,
    repositoryId,
    name,
    path: `/tmp/${id}`,
    status: "running",
    agentType: "sh",
    createdAt,
    updatedAt: createdAt,
    lastFocusedAt: null,
  };
}
