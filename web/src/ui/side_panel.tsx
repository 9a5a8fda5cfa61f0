// Beside the agent terminal: the workspace's shell, the agent's log, the changes against the base
// branch with the diff viewer and review comments (review_panel.tsx), and the session history
// with each session's conversation.
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";
import type { AgentLog, HistoryItem, Message, Session, Workspace } from "../lib/types";
import { ago, duration, errorText } from "./format";
import { Status, useLoad } from "./load";
import { Changes } from "./review_panel";
import { TerminalView } from "./terminal_view";

type Tab = "terminal" | "logs" | "changes" | "history";
const TABS: { id: Tab; label: string }[] = [
  { id: "terminal", label: "Terminal" },
  { id: "logs", label: "Logs" },
  { id: "changes", label: "Changes" },
  { id: "history", label: "History" },
];

export function SidePanel(props: {
  workspace: Workspace;
  session: Session | undefined;
  revision: number;
  reviewRevision: number;
}) {
  const [tab, setTab] = useState<Tab>("changes");
  return (
    <aside class="side-panel">
      <div class="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            class={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div class="tab-body">
        {tab === "terminal" && <UserTerminal key={props.workspace.id} workspaceId={props.workspace.id} />}
        {tab === "logs" && <Logs session={props.session} revision={props.revision} />}
        {tab === "changes" && (
          <Changes
            workspaceId={props.workspace.id}
            session={props.session}
            revision={props.revision}
            reviewRevision={props.reviewRevision}
          />
        )}
        {tab === "history" && <History workspaceId={props.workspace.id} revision={props.revision} />}
      </div>
    </aside>
  );
}

function UserTerminal(props: { workspaceId: string }) {
  const [terminalId, setTerminalId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api
      .terminal(props.workspaceId)
      .then((t) => setTerminalId(t.active && t.terminalId ? t.terminalId : null))
      .catch(() => setTerminalId(null));
  }, [props.workspaceId]);
  const open = async () => {
    setBusy(true);
    setError(null);
    try {
      const t = await api.openTerminal(props.workspaceId, 80, 24);
      setTerminalId(t.terminalId);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  if (terminalId) {
    return (
      <div class="user-terminal">
        <TerminalView key={terminalId} sessionId={terminalId} label="Workspace shell" autoFocus />
        <button
          type="button"
          class="small"
          onClick={() => void api.closeTerminal(props.workspaceId).then(() => setTerminalId(null))}
        >
          Close shell
        </button>
      </div>
    );
  }
  return (
    <div class="panel-empty">
      <p class="muted">A shell in the workspace's directory, kept running across restarts.</p>
      <button type="button" class="primary" disabled={busy} onClick={() => void open()} data-testid="open-shell">
        {busy ? "Opening…" : "Open a shell"}
      </button>
      {error && <p class="notice error">{error}</p>}
    </div>
  );
}

function Logs(props: { session: Session | undefined; revision: number }) {
  const id = props.session?.id;
  const { data, error, loading } = useLoad<AgentLog[]>(
    () => (id ? api.logs(id, 500) : Promise.resolve([])),
    [id, props.revision],
  );
  if (!id) return <p class="muted">No session yet.</p>;
  return (
    <div class="logs">
      <Status loading={loading} error={error} hasData={!!data} />
      {data && data.length === 0 && <p class="muted">No log lines yet.</p>}
      <ol class="log-lines">
        {[...(data ?? [])].reverse().map((l) => (
          <li key={l.id} class={`log-${l.level}`}>
            <time>{new Date(l.timestamp).toLocaleTimeString()}</time> {l.message}
          </li>
        ))}
      </ol>
    </div>
  );
}

function History(props: { workspaceId: string; revision: number }) {
  const { data, error, loading } = useLoad<HistoryItem[]>(() => api.history(props.workspaceId), [
    props.workspaceId,
    props.revision,
  ]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div class="history">
      <Status loading={loading} error={error} hasData={!!data} />
      {data && data.length === 0 && <p class="muted">No finished sessions yet.</p>}
      <ul class="history-list">
        {(data ?? []).map((h) => (
          <li key={h.id} data-testid="history-item">
            <button type="button" class="file-row" onClick={() => setOpen(open === h.id ? null : h.id)}>
              <span class={`status-dot status-${h.status}`} />
              <span>{h.agentType}</span>
              <span class="muted">
                {h.status} · {duration(h.duration)} · {h.completedAt ? ago(h.completedAt) : ""}
              </span>
            </button>
            {h.lastMessage && <p class="muted small-text">{h.lastMessage}</p>}
            {open === h.id && <Conversation sessionId={h.id} />}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Conversation(props: { sessionId: string }) {
  const { data, error, loading } = useLoad<Message[]>(() => api.messages(props.sessionId), [props.sessionId]);
  return (
    <div class="conversation">
      <Status loading={loading} error={error} hasData={!!data} />
      {data?.length === 0 && <p class="muted small-text">No messages.</p>}
      {data?.map((m) => (
        <div key={m.id} class={`message message-${m.role}`}>
          <strong>{m.role}</strong> {m.content}
        </div>
      ))}
    </div>
  );
}
