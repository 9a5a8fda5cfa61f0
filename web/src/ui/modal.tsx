// A modal on the native <dialog>: focus stays inside, Escape closes it.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "./format";

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      class={`modal${props.wide ? " wide" : ""}`}
      aria-label={props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  return (
    <Modal title={props.title} onClose={props.onClose}>
      <ActionForm
        submitLabel={props.confirmLabel}
        danger
        onSubmit={props.onConfirm}
        onClose={props.onClose}
      >
        <p>{props.message}</p>
      </ActionForm>
    </Modal>
  );
}


/** A form whose submit shows progress, then closes or shows the daemon's error. */
export function ActionForm(props: {
  submitLabel: string;
  danger?: boolean;
  disabled?: boolean;
  onSubmit: () => Promise<void>;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      method="dialog"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await props.onSubmit();
          props.onClose();
        } catch (err) {
          setError(errorText(err));
          setBusy(false);
        }
      }}
    >
      {props.children}
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-buttons">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="submit"
          class={props.danger ? "danger" : "primary"}
          disabled={busy || props.disabled}
          data-testid="dialog-submit"
        >
          {busy ? "Working…" : props.submitLabel}
        </button>
      </div>
    </form>
  );
}
