// Shows one session's pooled terminal in place, fitted to the space it gets, with its connection
// state and a search box (Ctrl+Shift+F inside the terminal).
import { useEffect, useRef, useState } from "preact/hooks";
import { park, terminalFor, type PooledTerminal } from "./terminal_pool";

function stateLabel(t: PooledTerminal, endedLabel: string | undefined): string | null {
  switch (t.state) {
    case "connecting":
      return "Connecting…";
    case "reconnecting":
      return "Reconnecting…";
    case "catching-up":
      return "Output is arriving faster than it can be shown: skipping to the current screen…";
    case "ended": {
      if (endedLabel) return endedLabel;
      const e = t.exit;
      if (!e) return "Ended";
      if (e.exitReason === "stopped") return "Stopped";
      return e.exitCode === 0 ? "Exited" : `Exited (${e.exitReason ?? `code ${e.exitCode}`})`;
    }
    default:
      return null;
  }
}

export function TerminalView(props: {
  sessionId: string;
  label: string;
  autoFocus?: boolean;
  /** How the session ended, as the daemon recorded it (the stream only knows the exit). */
  endedLabel?: string | undefined;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [terminal, setTerminal] = useState<PooledTerminal | null>(null);
  const [, setTick] = useState(0);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const t = terminalFor(props.sessionId);
    setTerminal(t);
    host.current?.append(t.element);
    t.fit();
    if (props.autoFocus) t.term.focus();
    const stop = t.onChange(() => setTick((n) => n + 1));
    const observer = new ResizeObserver(() => t.fit());
    if (host.current) observer.observe(host.current);
    t.term.attachCustomKeyEventHandler((e) => {
      if (e.type === "keydown" && e.ctrlKey && e.shiftKey && e.key.toLowerCase() === "f") {
        setSearching(true);
        return false;
      }
      return true;
    });
    return () => {
      observer.disconnect();
      stop();
      park(t);
    };
  }, [props.sessionId]);

  const label = terminal ? stateLabel(terminal, props.endedLabel) : null;
  return (
    <div class="terminal-frame" data-testid="terminal" data-session-id={props.sessionId} aria-label={props.label}>
      {label && (
        <div class="terminal-state" data-testid="terminal-state" role="status">
          {label}
        </div>
      )}
      {searching && terminal && (
        <input
          class="terminal-search"
          autoFocus
          placeholder="Search (Enter: next, Esc: close)"
          onKeyDown={(e) => {
            const q = e.currentTarget.value;
            if (e.key === "Enter") terminal.search.findNext(q);
            if (e.key === "Escape") {
              setSearching(false);
              terminal.term.focus();
            }
          }}
        />
      )}
      <div class="terminal-slot" ref={host} />
    </div>
  );
}
