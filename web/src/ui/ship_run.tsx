// What every ship dialog shares: its props, the confirmation line that says exactly what will
// happen, the daemon's error as is, and the buttons.
import type { ComponentChildren } from "preact";
import type { BranchStatus, Workspace } from "../lib/types";
import { branchOf } from "./format";

/** What every ship dialog gets. */
export interface DialogProps {
  workspace: Workspace;
  status: BranchStatus | null;
  /** After an action changed something: refetch the branch status and lists. */
  onDone: () => void;
  onClose: () => void;
}

/** The branch's name as the dialogs say it. */
export const branchName = (p: DialogProps) => p.status?.branch ?? branchOf(p.workspace) ?? "the branch";

export function Confirmation(props: { text: string }) {
  return (
    <p class="confirmation" data-testid="confirmation">
      {props.text}
    </p>
  );
}

export function RunError(props: { error: string | null }) {
  if (!props.error) return null;
  return (
    <p class="notice error" role="alert" data-testid="action-error">
      {props.error}
    </p>
  );
}

export function Buttons(props: { onClose: () => void; children: ComponentChildren; closeLabel?: string }) {
  return (
    <div class="dialog-buttons">
      <button type="button" onClick={props.onClose} data-testid="dialog-cancel">
        {props.closeLabel ?? "Cancel"}
      </button>
      {props.children}
    </div>
  );
}

export function FileList(props: { files: string[]; testId: string }) {
  return (
    <ul class="conflicted-files" data-testid={props.testId}>
      {props.files.map((f) => (
        <li key={f}>
          <code>{f}</code>
        </li>
      ))}
    </ul>
  );
}
