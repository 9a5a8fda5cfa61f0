// Placeholder UI: shows whether the daemon is up (GET /api/health every 5 s) and whether this
// browser is logged in (GET /api/workspaces), until the real UI replaces it.
import "./style.css";

const POLL_MS = 5000;
// Shorter than the poll interval, so a hung request never delays the next check.
const TIMEOUT_MS = 4000;

interface Health {
  version: string;
  uptimeMs: number;
}

type Auth =
  | { kind: "ok"; workspaces: number }
  | { kind: "denied" }
  | { kind: "unknown"; why: string };

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html lacks #${id}`);
  return el as T;
}

const ui = {
  pill: byId("health-pill"),
  label: byId("health-label"),
  waiting: byId("health-waiting"),
  error: byId("health-error"),
  facts: byId("health-facts"),
  version: byId("health-version"),
  uptime: byId("health-uptime"),
  auth: byId("auth-status"),
  count: byId("workspace-count"),
};

function code(text: string): HTMLElement {
  const el = document.createElement("code");
  el.textContent = text;
  return el;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Unwraps the `{success, data}` envelope every API answer uses. */
function envelopeData(body: unknown): unknown {
  if (!isRecord(body) || body["success"] !== true) throw new Error("unexpected answer");
  return body["data"];
}

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  // A plain AbortController rather than AbortSignal.timeout(), which Safari < 16 lacks.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: abort.signal,
    });
    const body: unknown = res.headers.get("content-type")?.includes("json")
      ? await res.json()
      : undefined;
    return { status: res.status, body };
  } finally {
    clearTimeout(timer);
  }
}

function describe(e: unknown): string {
  if (e instanceof DOMException && e.name === "AbortError") return "timed out";
  // fetch() rejects with a TypeError when there is no connection at all.
  if (e instanceof TypeError) return "no connection";
  return e instanceof Error ? e.message : String(e);
}

async function fetchHealth(): Promise<Health> {
  const { status, body } = await getJson("/api/health");
  if (status !== 200) throw new Error(`HTTP ${status}`);
  const data = envelopeData(body);
  const version = isRecord(data) ? data["version"] : undefined;
  const uptimeMs = isRecord(data) ? data["uptimeMs"] : undefined;
  if (typeof version !== "string" || typeof uptimeMs !== "number") {
    throw new Error("unexpected health answer");
  }
  return { version, uptimeMs };
}

async function fetchAuth(): Promise<Auth> {
  try {
    const { status, body } = await getJson("/api/workspaces");
    if (status === 401 || status === 403) return { kind: "denied" };
    if (status !== 200) return { kind: "unknown", why: `HTTP ${status}` };
    const data = envelopeData(body);
    return { kind: "ok", workspaces: Array.isArray(data) ? data.length : 0 };
  } catch (e) {
    return { kind: "unknown", why: describe(e) };
  }
}

function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h ${m} min`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s % 60} s`;
  return `${s} s`;
}

function showHealth(health: Health): void {
  ui.pill.dataset["state"] = "ok";
  ui.label.textContent = "Running";
  ui.waiting.hidden = true;
  ui.error.hidden = true;
  ui.facts.hidden = false;
  ui.version.textContent = health.version;
  ui.uptime.textContent = formatUptime(health.uptimeMs);
}

function showUnreachable(why: string): void {
  ui.pill.dataset["state"] = "down";
  ui.label.textContent = "Unreachable";
  ui.waiting.hidden = true;
  ui.facts.hidden = true;
  ui.error.hidden = false;
  ui.error.replaceChildren(
    `The daemon does not answer (${why}). Is `,
    code("parawork serve"),
    ` running? Retrying every ${POLL_MS / 1000} s.`,
  );
}

function workspaceSummary(auth: Auth): string {
  if (auth.kind !== "ok") return "parawork works in three steps:";
  const n = auth.workspaces;
  const have = n === 0 ? "No workspaces yet" : `${n} workspace${n === 1 ? "" : "s"}`;
  return `${have}. parawork works in three steps:`;
}

function showAuth(auth: Auth): void {
  ui.auth.classList.toggle("error", auth.kind === "denied");
  switch (auth.kind) {
    case "ok":
      ui.auth.textContent = "Logged in.";
      break;
    case "denied":
      ui.auth.replaceChildren(
        "Not logged in: open the link that ",
        code("parawork serve"),
        " printed (it contains ",
        code("?token=…"),
        ").",
      );
      break;
    case "unknown":
      ui.auth.textContent = `Login status unknown (${auth.why}).`;
      break;
  }
  ui.count.textContent = workspaceSummary(auth);
}

async function poll(): Promise<void> {
  try {
    const [health, auth] = await Promise.all([fetchHealth(), fetchAuth()]);
    showHealth(health);
    showAuth(auth);
  } catch (e) {
    showUnreachable(describe(e));
    showAuth({ kind: "unknown", why: "daemon unreachable" });
  } finally {
    // Chained rather than setInterval: a slow answer never stacks up overlapping requests.
    setTimeout(() => void poll(), POLL_MS);
  }
}

void poll();
