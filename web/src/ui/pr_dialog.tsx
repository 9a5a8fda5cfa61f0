// Push and pull requests: push the branch (never forced), open a pull request with a title and
// description or ask the agent to write one; without gh the daemon answers with the forge's
// compare link, shown as a link.
import { useState } from "preact/hooks";
import { reviewApi } from "../lib/review_api";
import { prText, pushText } from "../lib/ship";
import type { PrResult } from "../lib/types";
import { useLoad, useRun } from "./load";
import { Modal } from "./modal";
import { Buttons, Confirmation, RunError, branchName, type DialogProps } from "./ship_run";

interface Fields {
  title: string;
  body: string;
  draft: boolean;
}

export function PrDialog(props: DialogProps) {
  const id = props.workspace.id;
  const gh = useLoad(() => reviewApi.prStatus(id), [id]);
  const [fields, setFields] = useState<Fields>({ title: props.workspace.name, body: "", draft: false });
  const { title, draft } = fields;
  const [result, setResult] = useState<{ text: string; url: string | null } | null>(null);
  const { busy, error, run } = useRun();
  const branch = branchName(props);
  const base = props.status?.base ?? props.workspace.gitWorktree?.baseBranch ?? "the base branch";
  const finish = (r: { text: string; url: string | null }) => {
    setResult(r);
    props.onDone();
  };
  const push = () =>
    run(async () => {
      const r = await reviewApi.push(id);
      finish({ text: `Pushed ${r.branch} to ${r.remote} (${r.remoteRef}).`, url: r.compareUrl });
    });
  const open = (askAgent: boolean) =>
    run(async () => {
      const req = askAgent ? { askAgent: true } : fields;
      const r: PrResult & { asked?: boolean } = await reviewApi.openPr(id, req);
      if (r.asked) finish({ text: "Asked the agent to write and open the pull request.", url: null });
      else if (r.pullRequest) finish({ text: `Opened pull request #${r.pullRequest.number}.`, url: r.pullRequest.url });
      else finish({ text: `Pushed. ${r.reason ?? "No gh here"}: open the pull request on the forge.`, url: r.compareUrl });
    });
  const ghState = gh.data?.gh;
  return (
    <Modal title="Push / Open a pull request" onClose={props.onClose} wide>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void open(false);
        }}
      >
        {gh.data?.pullRequest && (
          <p>
            Already open:{" "}
            <a href={gh.data.pullRequest.url} target="_blank" rel="noreferrer">
              #{gh.data.pullRequest.number} {gh.data.pullRequest.title}
            </a>
          </p>
        )}
        <PrFields fields={fields} onChange={setFields} />
        <Confirmation text={prText(branch, base, draft)} />
        <p class="muted small-text">
          {pushText(branch)}{" "}
          {ghState && !(ghState.installed && ghState.loggedIn) &&
            `gh is ${ghState.installed ? "not logged in" : "not installed"}: you get the compare link.`}
        </p>
        {result && <Outcome result={result} />}
        <RunError error={error} />
        <Buttons onClose={props.onClose} closeLabel={result ? "Close" : "Cancel"}>
          <button type="button" disabled={busy} onClick={() => void push()} data-testid="push-submit">
            Push only
          </button>
          <button type="button" disabled={busy} onClick={() => void open(true)} data-testid="pr-ask-agent">
            Ask the agent
          </button>
          <button type="submit" class="primary" disabled={busy || !title.trim()} data-testid="pr-submit">
            {busy ? "Working…" : "Open pull request"}
          </button>
        </Buttons>
      </form>
    </Modal>
  );
}

function PrFields(props: { fields: Fields; onChange: (f: Fields) => void }) {
  const f = props.fields;
  return (
    <>
      <label>
        Title
        <input
          value={f.title}
          maxLength={256}
          onInput={(e) => props.onChange({ ...f, title: e.currentTarget.value })}
          data-testid="pr-title"
        />
      </label>
      <label>
        Description
        <textarea
          rows={5}
          value={f.body}
          onInput={(e) => props.onChange({ ...f, body: e.currentTarget.value })}
          data-testid="pr-body"
        />
      </label>
      <label class="choice">
        <input type="checkbox" checked={f.draft} onChange={(e) => props.onChange({ ...f, draft: e.currentTarget.checked })} />
        Draft
      </label>
    </>
  );
}

/** What the push or the pull request did, with its link (the PR, or the compare page). */
function Outcome(props: { result: { text: string; url: string | null } }) {
  const r = props.result;
  return (
    <p class="ok" role="status" data-testid="pr-result">
      {r.text}{" "}
      {r.url && (
        <a href={r.url} target="_blank" rel="noreferrer" data-testid="compare-url">
          {r.url}
        </a>
      )}
    </p>
  );
}
