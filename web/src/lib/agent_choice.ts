// Which agent a picker holds. The agent list loads after the page (and is refetched now and
// then): until the person picks one, the picker follows a default that is always one of the
// listed agents; once they pick, a later list never changes their choice. What the picker shows
// and what Start uses come from this one function, so they cannot differ.
import type { AgentProfile } from "./types";

/**
 * `picked`: the person's choice (null: none yet; "" can mean "no agent" where offered).
 * `preferred`: the agent to default to when it is listed (the workspace's own), else the first
 * installed one, else the first listed; "" while the list is empty.
 */
export function chosenAgent(picked: string | null, agents: AgentProfile[], preferred?: string | null): string {
  if (picked !== null) return picked;
  if (preferred && agents.some((a) => a.name === preferred)) return preferred;
  return agents.find((a) => a.installed !== false)?.name ?? agents[0]?.name ?? "";
}
