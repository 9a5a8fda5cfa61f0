// The focused workspace: its header (branch, status, startup time, ports, resources,
// dependencies, the branch's position, pull request and ship actions), the agent controls, the agent terminal at the centre and the side panel.
import { useState } from "preact/hooks";
import { chosenAgent } from "../lib/agent_choice";
import type { State } from "../lib/store";
import type { AgentProfile, Session, Workspace } from "../lib/types";
import { resumeAgent, startAgent, stopAgent } from "./controller";
import { branchOf, duration, errorText, statusLabel } from "./format";
import { ShipBar } from "./ship_bar";
import { SidePanel } from "./side_panel";
import { Sparkline } from "./sparkline";
import { TerminalView } from "./terminal_view";
import { useStore } from "./use_store";

const selectAll = (s: State) => s;

export function WorkspaceView(props: { workspace: Workspace; onDelete: () => void }) {
  const w = props.workspace;
  const state = useStore(selectAll);
  const session = state.sessions[w.id];
  const ports = state.ports[w.id] ?? [];
  const deps = state.dependencies[w.id];
  const samples = (session && state.resources[session.id]) || [];
  const branch = branchOf(w);
  const active = session && (session.status === "running" || session.status === "starting");

  return (
    <div class="workspace-view">
      <header class="workspace-header">
        <div class="workspace-title">
          <h2 data-testid="workspace-title">{w.name}</h2>
          {branch && <code class="branch">{branch}</code>}
          <span class={`status-pill status-${w.status}`} data-testid="workspace-status">
            {statusLabel(w.status)}
          </span>
          {session?.readyAt && session.startedAt && (
            <span class="ready" data-testid="ready-time">
              ready in {duration(session.readyAt - session.startedAt)}
            </span>
          )}
          {ports.map((p) => (
            <a
              key={`${p.sessionId}:${p.port}`}
              class="port-badge"
              href={p.url ?? `http://127.0.0.1:${p.port}/`}
              target="_blank"
              rel="noreferrer"
              data-testid="port-badge"
            >
              :{p.port}
            </a>
          ))}
          {deps && deps.status !== "none" && (
            <span
              class={`dep dep-${deps.status}`}
              data-testid="dependencies"
              title={deps.projects.map((p) => `${p.name}: ${p.status}${p.message ? ` (${p.message})` : ""}`).join("\n")}
            >
              dependencies {deps.status}
            </span>
          )}
          {samples.length > 1 && <Sparkline samples={samples} />}
          {w.gitWorktree && (
            <ShipBar workspace={w} shipRevision={state.shipRevision[w.id] ?? 0} revision={state.revision[w.id] ?? 0} />
          )}
        </div>
        <button type="button" class="danger small" onClick={props.onDelete} data-testid="delete-workspace">
          Delete…
        </button>
      </header>
      <AgentBar workspace={w} session={session} active={!!active} agents={state.agents} />
      <div class="workspace-body">
        <main class="agent-area">
          {session ? (
            <TerminalView
              key={session.id}
              sessionId={session.id}
              label="Agent terminal"
              autoFocus
              endedLabel={endedLabel(session)}
            />
          ) : (
            <div class="empty-terminal muted">
              <p>No agent has run in this workspace yet. Pick an agent above and start it.</p>
            </div>
          )}
        </main>
        <SidePanel
          workspace={w}
          session={session}
          revision={state.revision[w.id] ?? 0}
          reviewRevision={state.reviewRevision[w.id] ?? 0}
        />
      </div>
    </div>
  );
}

function endedLabel(s: Session): string | undefined {
  if (s.status === "running" || s.status === "starting") return undefined;
  if (s.exitReason === "stopped") return "Stopped";
  if (s.status === "completed") return "Exited";
  return `Failed (${s.exitReason ?? `exit code ${s.exitCode ?? "?"}`})`;
}

function AgentBar(props: {
  workspace: Workspace;
  session: Session | undefined;
  active: boolean;
  agents: AgentProfile[];
}) {
  const { workspace: w, session } = props;
  const [picked, setAgent] = useState<string | null>(null);
  // Until the person picks one, the workspace's own agent (when listed); what the picker shows
  // is what Start starts.
  const agent = chosenAgent(picked, props.agents, w.agentType);
  const [prompt, setPrompt] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (props.active && session) {
    return (
      <div class="agent-bar">
        <span class="muted">
          {session.agentType} · {session.status}
        </span>
        <button type="button" disabled={busy} onClick={() => run(() => stopAgent(session))} data-testid="stop-agent">
          {busy ? "Stopping…" : "Stop"}
        </button>
        {error && <span class="notice error">{error}</span>}
      </div>
    );
  }
  return (
    <form
      class="agent-bar"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await startAgent(w.id, agent, prompt);
          setPrompt("");
        });
      }}
    >
      <select value={agent} onChange={(e) => setAgent(e.currentTarget.value)} aria-label="Agent" data-testid="agent-picker">
        {props.agents.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
            {a.installed === false ? " (not installed)" : ""}
          </option>
        ))}
      </select>
      <input
        class="prompt"
        value={prompt}
        onInput={(e) => setPrompt(e.currentTarget.value)}
        placeholder="Initial prompt (optional)"
        aria-label="Initial prompt"
      />
      <button type="submit" class="primary" disabled={busy || !agent} data-testid="start-agent">
        {busy ? "Starting…" : "Start"}
      </button>
      {session && (
        <button type="button" disabled={busy} onClick={() => run(() => resumeAgent(session))} data-testid="resume-agent">
          Resume
        </button>
      )}
      {error && <span class="notice error">{error}</span>}
    </form>
  );
}
