// Beside the agent terminal: the workspace's shell, the agent's log, the changes against the base
// branch with a diff viewer, and the session history with each session's conversation.
import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";
import type { AgentLog, FileDiff, HistoryItem, Message, Session, Workspace, WorkspaceDiff } from "../lib/types";
import { DiffView } from "./diff_view";
import { ago, duration, errorText } from "./format";
import { TerminalView } from "./terminal_view";

type Tab = "terminal" | "logs" | "changes" | "history";
const TABS: { id: Tab; label: string }[] = [
  { id: "terminal", label: "Terminal" },
  { id: "logs", label: "Logs" },
  { id: "changes", label: "Changes" },
  { id: "history", label: "History" },
];

export function SidePanel(props: { workspace: Workspace; session: Session | undefined; revision: number }) {
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
        {tab === "changes" && <Changes workspaceId={props.workspace.id} revision={props.revision} />}
        {tab === "history" && <History workspaceId={props.workspace.id} revision={props.revision} />}
      </div>
    </aside>
  );
}

/** Loads `fetch()` whenever a dependency changes; shows progress and errors. */
function useLoad<T>(fetch: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    fetch()
      .then((d) => live && (setData(d), setError(null)))
      .catch((e) => live && setError(errorText(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, deps);
  return { data, error, loading };
}

function Status(props: { loading: boolean; error: string | null; hasData: boolean }) {
  if (props.error) return <p class="notice error">{props.error}</p>;
  if (props.loading && !props.hasData) return <progress aria-label="Loading" />;
  return null;
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

function Changes(props: { workspaceId: string; revision: number }) {
  const { data, error, loading } = useLoad<WorkspaceDiff>(() => api.diff(props.workspaceId), [
    props.workspaceId,
    props.revision,
  ]);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div class="changes">
      <Status loading={loading} error={error} hasData={!!data} />
      {data && (
        <>
          <p class="muted small-text">
            Against <code>{data.baseRef}</code> · {data.files.length} file{data.files.length === 1 ? "" : "s"}
          </p>
          {data.files.length === 0 && <p class="muted">No changes yet.</p>}
          <ul class="file-list">
            {data.files.map((f) => (
              <ChangedFile
                key={f.path}
                file={f}
                baseRef={data.baseRef}
                workspaceId={props.workspaceId}
                open={open === f.path}
                onToggle={() => setOpen(open === f.path ? null : f.path)}
              />
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The change as a word (a lone letter read like git's "C", copied); the daemon's word as a title. */
const CHANGE_WORDS: Record<string, string> = { created: "new", modified: "modified", deleted: "deleted" };

function ChangedFile(props: {
  file: FileDiff;
  baseRef: string;
  workspaceId: string;
  open: boolean;
  onToggle: () => void;
}) {
  const f = props.file;
  const [full, setFull] = useState<FileDiff | null>(null);
  useEffect(() => {
    // Files past the answer's diff budget come without their diff: ask for that file alone.
    if (props.open && f.diff === null && f.diffTruncated && !f.binary) {
      void api.diff(props.workspaceId, f.path).then((d) => setFull(d.files[0] ?? null));
    }
  }, [props.open]);
  return (
    <li>
      <button type="button" class="file-row" onClick={props.onToggle} aria-expanded={props.open} data-testid="changed-file">
        <span
          class={`change change-${f.changeType}`}
          title={`${f.changeType} since ${props.baseRef}`}
          data-testid="change-type"
        >
          {CHANGE_WORDS[f.changeType] ?? f.changeType}
        </span>
        <span class="file-path">{f.path}</span>
        <span class="add">+{f.insertions}</span>
        <span class="del">−{f.deletions}</span>
      </button>
      {props.open && <DiffView file={full ?? f} />}
    </li>
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
