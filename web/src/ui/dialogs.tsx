// Creating things: a repository (through a directory browser that marks git repositories) and a
// workspace (name, base branch, agent, initial prompt).
import { useEffect, useState } from "preact/hooks";
import { chosenAgent } from "../lib/agent_choice";
import { api } from "../lib/api";
import type { State } from "../lib/store";
import type { BrowseResult } from "../lib/types";
import { addRepository, createWorkspace } from "./controller";
import { errorText } from "./format";
import { ActionForm, Modal } from "./modal";
import { useStore } from "./use_store";

export function AddRepositoryDialog(props: { onClose: () => void }) {
  const [listing, setListing] = useState<BrowseResult | null>(null);
  const [browseError, setBrowseError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [path, setPath] = useState("");
  const [name, setName] = useState("");

  const open = async (p?: string) => {
    setLoading(true);
    setBrowseError(null);
    try {
      const result = await api.browse(p);
      setListing(result);
    } catch (e) {
      setBrowseError(errorText(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void open(), []);

  const choose = (p: string, n: string) => {
    setPath(p);
    setName(n);
  };

  return (
    <Modal title="Add a repository" onClose={props.onClose} wide>
      <ActionForm
        submitLabel="Add repository"
        disabled={!path || !name}
        onSubmit={() => addRepository(name.trim(), path.trim())}
        onClose={props.onClose}
      >
        <div class="browser" data-testid="dir-browser">
          <div class="browser-path">
            <button
              type="button"
              disabled={!listing?.parentPath}
              onClick={() => listing?.parentPath && void open(listing.parentPath)}
              aria-label="Parent directory"
            >
              ↑
            </button>
            <code>{listing?.currentPath ?? "…"}</code>
            {loading && <progress aria-label="Loading" />}
          </div>
          {browseError && <p class="notice error">{browseError}</p>}
          <ul class="browser-list" role="listbox" aria-label="Directories">
            {listing?.entries.map((e) => (
              <li key={e.path}>
                <button
                  type="button"
                  class={`dir${e.isGitRepository ? " git" : ""}${path === e.path ? " chosen" : ""}`}
                  data-testid="dir-entry"
                  data-path={e.path}
                  onClick={() => (e.isGitRepository ? choose(e.path, e.name) : void open(e.path))}
                  onDblClick={() => void open(e.path)}
                >
                  <span class="dir-icon" aria-hidden="true">
                    {e.isGitRepository ? "◆" : "▸"}
                  </span>
                  <span class="dir-name">{e.name}</span>
                  {e.isGitRepository && (
                    <span class="git-badge">git{e.gitInfo?.branch ? ` · ${e.gitInfo.branch}` : ""}</span>
                  )}
                </button>
              </li>
            ))}
            {listing && listing.entries.length === 0 && <li class="muted">No subdirectories</li>}
          </ul>
        </div>
        <label>
          Path
          <input
            value={path}
            onInput={(e) => setPath(e.currentTarget.value)}
            placeholder="/path/to/a/git/repository"
            data-testid="repo-path"
          />
        </label>
        <label>
          Name
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="repo-name" />
        </label>
      </ActionForm>
    </Modal>
  );
}

const selectRepos = (s: State) => s.repositories;
const selectAgents = (s: State) => s.agents;
const selectLoaded = (s: State) => s.loaded;

export function NewWorkspaceDialog(props: { repositoryId: string | null; onClose: () => void }) {
  const repositories = useStore(selectRepos);
  const agents = useStore(selectAgents);
  const loaded = useStore(selectLoaded);
  // Lists that load after the dialog opened fill in the defaults; a choice made stays.
  const [pickedRepository, setRepositoryId] = useState(props.repositoryId);
  const repositoryId = pickedRepository ?? repositories[0]?.id ?? "";
  const [name, setName] = useState("");
  const [branches, setBranches] = useState<string[]>([]);
  const [baseBranch, setBaseBranch] = useState("");
  const [pickedAgent, setAgentType] = useState<string | null>(null);
  const agentType = chosenAgent(pickedAgent, agents);
  const [prompt, setPrompt] = useState("");

  useEffect(() => {
    if (!repositoryId) return;
    api
      .branches(repositoryId)
      .then((b) => {
        setBranches(b.branches);
        setBaseBranch(b.defaultBranch);
      })
      .catch(() => setBranches([]));
  }, [repositoryId]);

  return (
    <Modal title="New workspace" onClose={props.onClose}>
      <ActionForm
        submitLabel="Create workspace"
        disabled={!repositoryId || !name.trim() || !loaded}
        onSubmit={() =>
          createWorkspace({ repositoryId, name: name.trim(), baseBranch, agentType, prompt })
        }
        onClose={props.onClose}
      >
        <label>
          Repository
          <select value={repositoryId} onChange={(e) => setRepositoryId(e.currentTarget.value)}>
            {repositories.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Name
          <input
            value={name}
            autoFocus
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="e.g. Fix login redirect"
            data-testid="workspace-name"
          />
        </label>
        <label>
          Base branch
          <select value={baseBranch} onChange={(e) => setBaseBranch(e.currentTarget.value)}>
            {branches.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select
            value={agentType}
            disabled={!loaded}
            onChange={(e) => setAgentType(e.currentTarget.value)}
            data-testid="workspace-agent"
          >
            <option value="">{loaded ? "Don't start an agent" : "Loading agents…"}</option>
            {agents.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name}
                {a.installed === false ? " (not installed)" : ""}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial prompt
          <textarea
            value={prompt}
            rows={3}
            onInput={(e) => setPrompt(e.currentTarget.value)}
            placeholder="What should the agent do? (optional)"
          />
        </label>
      </ActionForm>
    </Modal>
  );
}
