// The main WebSocket (/ws): parawork's `{type, data}` events. Keeps the set of subscribed
// workspaces and re-sends it after every reconnect, reconnects by itself when the daemon
// restarts, and tells its listener when a (re)connection is up so the app can refetch what it may
// have missed meanwhile.
import type { ServerEvent } from "./types";
import { OPEN, reconnectDelay, type Schedule, type SocketFactory, type SocketLike } from "./socket";

export type ConnectionState = "connecting" | "open" | "closed";

export interface EventClientListener {
  event(e: ServerEvent): void;
  state(s: ConnectionState): void;
}

/** Parses one frame; null for anything that is not a `{type, data}` object. */
export function parseEvent(raw: unknown): ServerEvent | null {
  if (typeof raw !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const rec = v as Record<string, unknown>;
  const data = rec["data"];
  if (typeof rec["type"] !== "string") return null;
  return {
    type: rec["type"],
    data: typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {},
  };
}

export class EventClient {
  private socket: SocketLike | null = null;
  private readonly subscriptions = new Set<string>();
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly listener: EventClientListener,
    private readonly makeSocket: SocketFactory,
    private readonly schedule: Schedule,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry?.();
    this.socket?.close(1000);
    this.socket = null;
  }

  /** Subscribes now if connected, and again after every reconnect. */
  subscribe(workspaceId: string): void {
    if (this.subscriptions.has(workspaceId)) return;
    this.subscriptions.add(workspaceId);
    this.send("subscribe_workspace", { workspaceId });
  }

  unsubscribe(workspaceId: string): void {
    if (!this.subscriptions.delete(workspaceId)) return;
    this.send("unsubscribe_workspace", { workspaceId });
  }

  subscribed(): string[] {
    return [...this.subscriptions];
  }

  /** Sends a client event; dropped while disconnected (the caller's state is resent on open). */
  send(type: string, data: Record<string, unknown>): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify({ type, data }));
    return true;
  }

  private connect(): void {
    this.listener.state("connecting");
    const socket = this.makeSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      for (const workspaceId of this.subscriptions) {
        socket.send(JSON.stringify({ type: "subscribe_workspace", data: { workspaceId } }));
      }
      this.listener.state("open");
    };
    socket.onmessage = (ev) => {
      const event = parseEvent(ev.data);
      if (event) this.listener.event(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.listener.state("closed");
      if (this.stopped) return;
      this.cancelRetry = this.schedule(() => this.connect(), reconnectDelay(this.attempt++));
    };
    socket.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }
}
