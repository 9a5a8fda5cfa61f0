// The binary attach stream of one session (/api/sessions/:id/attach, docs/api.md): the current
// screen first, then the live output, input and resize back. It survives a daemon restart by
// reconnecting from the byte offset it had reached, so the terminal continues where it was.
//
// Flow control: a browser WebSocket cannot push back, so we watch how much output the terminal
// has accepted but not yet rendered. Past `highWater` bytes we close the stream; once the
// terminal has caught up (below `lowWater`) we reattach with a fresh snapshot of the screen,
// skipping the flood in between. The agent never waits for us (the daemon's log absorbs it) and
// the page stays responsive.
import { OPEN, reconnectDelay, type Schedule, type SocketFactory, type SocketLike } from "./socket";

export interface TerminalSink {
  /** Writes output; calls `done` once the terminal has processed it. */
  write(data: Uint8Array, done: () => void): void;
  /** Clears the screen and scrollback before a fresh snapshot. */
  reset(): void;
}

export interface ExitInfo {
  endOffset: number;
  exitCode: number | null;
  signal: number | string | null;
  exitReason: string | null;
}

export type AttachState = "connecting" | "live" | "reconnecting" | "catching-up" | "ended";

export interface AttachListener {
  state(s: AttachState): void;
  exit(info: ExitInfo): void;
}

export interface FlowLimits {
  highWater: number;
  lowWater: number;
}

export const DEFAULT_FLOW: FlowLimits = { highWater: 4 << 20, lowWater: 256 << 10 };

const encoder = new TextEncoder();

function asRecord(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function num(v: unknown): number | null {
  return typeof v === "number" ? v : null;
}

export class AttachClient {
  private socket: SocketLike | null = null;
  /** The log offset of the next byte we expect; null until the daemon has told us. */
  private offset: number | null = null;
  private pending = 0;
  private attempt = 0;
  private resetBeforeWrite = false;
  private ended = false;
  private disposed = false;
  private catchingUp = false;
  private size: { cols: number; rows: number } | null = null;
  private cancelRetry: (() => void) | null = null;

  constructor(
    private readonly url: string,
    private readonly sink: TerminalSink,
    private readonly listener: AttachListener,
    private readonly makeSocket: SocketFactory,
    private readonly schedule: Schedule,
    private readonly flow: FlowLimits = DEFAULT_FLOW,
  ) {}

  start(): void {
    this.connect(false);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelRetry?.();
    this.closeSocket();
  }

  /** The offset reached so far (for tests and diagnostics). */
  position(): number | null {
    return this.offset;
  }

  input(data: string): void {
    if (this.socket?.readyState === OPEN && !this.ended) this.socket.send(encoder.encode(data));
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    this.sendSize();
  }

  private sendSize(): void {
    if (!this.size || this.socket?.readyState !== OPEN || this.ended) return;
    this.socket.send(JSON.stringify({ type: "resize", ...this.size }));
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (s) s.close(1000);
  }

  /** `continueFromOffset`: resume the raw log where we were; else start from a snapshot. */
  private connect(continueFromOffset: boolean): void {
    if (this.disposed || this.ended) return;
    const resume = continueFromOffset && this.offset !== null;
    const url = resume ? `${this.url}?offset=${this.offset}` : this.url;
    this.resetBeforeWrite = !resume;
    if (!resume) this.offset = null;
    this.listener.state(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = this.makeSocket(url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.listener.state("live");
      this.sendSize();
    };
    socket.onmessage = (ev) => {
      if (this.socket !== socket) return;
      if (typeof ev.data === "string") this.onText(ev.data);
      else if (ev.data instanceof ArrayBuffer) this.onBytes(new Uint8Array(ev.data));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.ended || this.disposed) return;
      this.listener.state("reconnecting");
      this.cancelRetry = this.schedule(() => this.connect(true), reconnectDelay(this.attempt++));
    };
    socket.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  private onText(text: string): void {
    const msg = asRecord(text);
    if (!msg) return;
    switch (msg["type"]) {
      case "snapshot":
        this.offset = num(msg["offset"]);
        break;
      case "truncated": {
        const to = num(msg["to"]);
        if (to !== null) this.offset = to;
        break;
      }
      case "exit":
        this.ended = true;
        this.offset = num(msg["endOffset"]) ?? this.offset;
        this.listener.exit({
          endOffset: num(msg["endOffset"]) ?? 0,
          exitCode: num(msg["exitCode"]),
          signal: (msg["signal"] as number | string | null | undefined) ?? null,
          exitReason: typeof msg["exitReason"] === "string" ? msg["exitReason"] : null,
        });
        this.listener.state("ended");
        break;
    }
  }

  private onBytes(bytes: Uint8Array): void {
    if (this.resetBeforeWrite) {
      this.resetBeforeWrite = false;
      this.sink.reset();
      // The snapshot's screen is not part of the log: only later bytes advance the offset.
      if (this.offset !== null) {
        this.write(bytes);
        return;
      }
    }
    if (this.offset !== null) this.offset += bytes.byteLength;
    this.write(bytes);
  }

  private write(bytes: Uint8Array): void {
    this.pending += bytes.byteLength;
    this.sink.write(bytes, () => {
      this.pending -= bytes.byteLength;
      if (this.catchingUp && this.pending <= this.flow.lowWater) {
        this.catchingUp = false;
        this.connect(false);
      }
    });
    if (!this.catchingUp && !this.ended && this.pending > this.flow.highWater) {
      this.catchingUp = true;
      this.listener.state("catching-up");
      this.closeSocket();
    }
  }
}
