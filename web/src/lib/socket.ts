// What the protocol clients need from a WebSocket, so unit tests can hand them a fake one, and
// the reconnect delay they share.

export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** setTimeout's shape; tests pass a manual scheduler. Returns a cancel function. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export const browserSchedule: Schedule = (fn, ms) => {
  const id = setTimeout(fn, ms);
  return () => clearTimeout(id);
};

export const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** ws:// or wss:// URL for a path on the page's own origin. */
export function socketUrl(path: string): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${path}`;
}

export const OPEN = 1;

/** Reconnect delays: quick at first (a daemon restart takes about a second), capped at 5 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.min(attempt, 5));
}
