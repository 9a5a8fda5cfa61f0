// One xterm.js terminal per session, kept alive while the person looks elsewhere, so switching
// workspaces comes back to the same screen at once (and the attach stream keeps it current). At
// most MAX_TERMINALS live; the least recently shown beyond that are disposed and will start from
// a fresh snapshot if shown again.
import { Terminal } from "@xterm/xterm";
import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import "@xterm/xterm/css/xterm.css";
import { AttachClient, type AttachState, type ExitInfo } from "../lib/attach";
import { browserSchedule, browserSocket, socketUrl } from "../lib/socket";
import { terminalTheme, type Theme } from "./theme";

const MAX_TERMINALS = 16;

export interface PooledTerminal {
  readonly sessionId: string;
  readonly term: Terminal;
  readonly search: SearchAddon;
  readonly element: HTMLElement;
  state: AttachState;
  exit: ExitInfo | null;
  /** Re-fits to the element's size (after it moved or its container resized). */
  fit(): void;
  onChange(fn: () => void): () => void;
}

class Entry implements PooledTerminal {
  readonly term: Terminal;
  readonly search = new SearchAddon();
  readonly element = document.createElement("div");
  state: AttachState = "connecting";
  exit: ExitInfo | null = null;
  private readonly fitAddon = new FitAddon();
  private readonly attach: AttachClient;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly sessionId: string,
    theme: Theme,
  ) {
    this.element.className = "terminal-host";
    this.term = new Terminal({
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      scrollback: 5000,
      theme: terminalTheme(theme),
      allowProposedApi: true,
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(this.search);
    this.term.loadAddon(new WebLinksAddon());
    this.attach = new AttachClient(
      socketUrl(`/api/sessions/${encodeURIComponent(sessionId)}/attach`),
      {
        write: (data, done) => this.term.write(data, done),
        reset: () => this.term.reset(),
      },
      {
        state: (s) => {
          this.state = s;
          this.changed();
        },
        exit: (info) => {
          this.exit = info;
          this.changed();
        },
      },
      browserSocket,
      browserSchedule,
    );
    this.term.onData((data) => this.attach.input(data));
    this.term.onResize(({ cols, rows }) => this.attach.resize(cols, rows));
  }

  open(): void {
    this.term.open(this.element);
    // The WebGL renderer arrives later (a lazy import) and measures its cells in whole device
    // pixels, narrower than the DOM renderer's: without a refit the terminal (and the agent)
    // keep the old cell's columns, e.g. 80 drawn in a pane that holds 90. A lost context brings
    // the DOM renderer back: refit then too.
    void loadGpuRenderer(this.term, () => this.refit());
    this.attach.start();
  }

  /** Fits again when on screen; a parked terminal keeps its size (parking is not a pane). */
  private refit(): void {
    if (this.element.parentElement !== parking) this.fit();
  }

  fit(): void {
    if (!this.element.isConnected || this.element.clientWidth === 0) return;
    this.fitAddon.fit();
    this.attach.resize(this.term.cols, this.term.rows);
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  setTheme(theme: Theme): void {
    this.term.options.theme = terminalTheme(theme);
  }

  dispose(): void {
    this.attach.dispose();
    this.term.dispose();
    this.element.remove();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/**
 * WebGL when the browser has it; xterm's DOM renderer otherwise. Loaded lazily. `changed` runs
 * when the renderer (and so the cell size) changed.
 */
async function loadGpuRenderer(term: Terminal, changed: () => void): Promise<void> {
  if (!document.createElement("canvas").getContext("webgl2")) return;
  try {
    const { WebglAddon } = await import("@xterm/addon-webgl");
    const addon = new WebglAddon();
    addon.onContextLoss(() => {
      addon.dispose();
      changed();
    });
    term.loadAddon(addon);
    changed();
  } catch {
    // The DOM renderer stays.
  }
}

const entries = new Map<string, Entry>();
let currentTheme: Theme = "dark";
// Terminals not on screen live here, so xterm keeps a DOM to render into.
const parking = document.createElement("div");
parking.className = "terminal-parking";
parking.setAttribute("aria-hidden", "true");

export function terminalFor(sessionId: string): PooledTerminal {
  let entry = entries.get(sessionId);
  if (entry) {
    entries.delete(sessionId); // re-insert: the Map's order is recency
    entries.set(sessionId, entry);
    return entry;
  }
  if (!parking.isConnected) document.body.append(parking);
  entry = new Entry(sessionId, currentTheme);
  parking.append(entry.element);
  entry.open();
  entries.set(sessionId, entry);
  for (const [id, old] of entries) {
    if (entries.size <= MAX_TERMINALS) break;
    if (old.element.parentElement === parking) {
      old.dispose();
      entries.delete(id);
    }
  }
  return entry;
}

/** Moves a terminal off screen, still attached. */
export function park(t: PooledTerminal): void {
  if (t.element.parentElement !== parking) parking.append(t.element);
}

export function setTerminalTheme(theme: Theme): void {
  currentTheme = theme;
  for (const e of entries.values()) e.setTheme(theme);
}

/** The visible lines of a session's terminal (for tests and debugging from the console). */
export function screenText(sessionId: string): string | null {
  const entry = entries.get(sessionId);
  if (!entry) return null;
  const buf = entry.term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < entry.term.rows; ++i) {
    lines.push(buf.getLine(buf.viewportY + i)?.translateToString(true) ?? "");
  }
  return lines.join("\n");
}

export function terminalSize(sessionId: string): { cols: number; rows: number } | null {
  const entry = entries.get(sessionId);
  return entry ? { cols: entry.term.cols, rows: entry.term.rows } : null;
}
