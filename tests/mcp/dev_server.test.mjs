// Issue 21's "Done means", with a real MCP client in the place of the agent: an MCP client with
// only `parawork mcp` configured (the official SDK 1.x over stdio, as Claude Code runs it) makes
// a workspace, starts a real Vite dev server in it, waits for its port, fetches the preview URL
// through the daemon's preview proxy and reads the page title — and a person sees that session
// in the daemon's API (what the UI shows). Then it reads the output by offset, sends a key and
// stops it; bad calls are tool errors that start nothing.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { Daemon, PARAWORK_BIN, gitRepo, tempDir } from "../browser/harness.mjs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const VITE = fileURLToPath(new URL("../../web/node_modules/.bin/vite", import.meta.url));
const TITLE = "Served by a session parawork started over MCP";

let daemon, dir, client;
before(async () => {
  daemon = new Daemon();
  await daemon.start();
  dir = tempDir("pw-mcp-site");
  const repo = gitRepo(join(dir.path, "site"));
  writeFileSync(join(repo, "index.html"), `<!doctype html><title>${TITLE}</title><p>hello</p>\n`);
  execFileSync("git", ["-C", repo, "add", "index.html"]);
  execFileSync("git", ["-C", repo, "commit", "-q", "-m", "a page"]);
  await daemon.api("POST", "/api/repositories", { name: "site", path: repo });
  client = new Client({ name: "agent", version: "1" });
  await client.connect(new StdioClientTransport({ command: PARAWORK_BIN, args: ["--home", daemon.home, "mcp"] }));
});
after(async () => {
  await client?.close();
  await daemon.dispose(); // every session stopped first, also after a failed test (a Vite left running)
  dir.remove();
});

/** A tool's structured result; a tool error fails the test with its message. */
async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  assert.ok(!result.isError, `${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

/** GET through the daemon's preview proxy: its port, with the preview's host name. */
function getPreview(url) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: daemon.port, path: target.pathname, headers: { Host: target.host } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test("an MCP client starts a Vite dev server, waits for it and reads its page through the preview", async () => {
  const { workspace } = await call("workspace_create", { repository: join(dir.path, "site"), name: "site" });
  const { session } = await call("session_run", {
    workspaceId: workspace.id,
    command: ["sh", "-c", 'exec "$VITE" --host 127.0.0.1 --port "$PORT" --strictPort'],
    env: [`VITE=${VITE}`],
    name: "vite",
  });
  const ready = await call("session_wait", { sessionId: session.id, until: "port", timeoutMs: 120000 });
  assert.equal(ready.timedOut, false, JSON.stringify(ready));
  assert.ok(ready.url, JSON.stringify(ready));
  const page = await getPreview(ready.url);
  assert.equal(page.status, 200, `${ready.url}: ${page.body.slice(0, 300)}`);
  assert.equal(/<title>(.*)<\/title>/.exec(page.body)?.[1], TITLE);

  // A person sees it: the same session in the daemon's list of running sessions (`parawork ps`,
  // the UI's).
  const listed = await daemon.api("GET", "/api/sessions");
  assert.ok(listed.some((s) => s.id === session.id && s.status === "running"), JSON.stringify(listed));
  const ports = await call("ports_list", { sessionId: session.id });
  assert.ok(ports.ports.some((p) => p.url === ready.url), JSON.stringify(ports));

  // Its output by offset: the next read starts where the last ended.
  const first = await call("session_output", { sessionId: session.id, offset: 0 });
  assert.match(first.text, /VITE|ready/i);
  const next = await call("session_output", { sessionId: session.id, offset: first.nextOffset });
  assert.equal(next.offset, first.nextOffset);

  await call("session_send", { sessionId: session.id, keys: ["C-c"] });
  const ended = await call("session_wait", { sessionId: session.id, until: "ended", timeoutMs: 30000 });
  assert.equal(ended.timedOut, false, JSON.stringify(ended));
});

test("bad calls are tool errors and start nothing", async () => {
  const before = (await daemon.api("GET", "/api/sessions")).length;
  for (const [name, args, message] of [
    ["session_run", { workspaceId: "00000000-0000-4000-8000-000000000000", command: ["true"] }, /not found/i],
    ["session_run", { workspaceId: "x", command: ["true"], surprise: 1 }, /surprise/],
    ["session_wait", { sessionId: "00000000-0000-4000-8000-000000000000", until: "soon" }, /until/],
  ]) {
    const result = await client.callTool({ name, arguments: args });
    assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}`);
    assert.match(result.content[0].text, message);
  }
  assert.equal((await daemon.api("GET", "/api/sessions")).length, before);
});

test("an agent's calls from inside a session are that session's: its logs, its sessions' parent", async () => {
  const { workspaces } = await call("workspace_list", {});
  const workspaceId = workspaces[0].id;
  const messages = [
    { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "in-session", version: "1" } } },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "session_run", arguments: { workspaceId, command: ["true"] } } },
  ];
  const script = `printf '%s\\n' ${messages.map((m) => `'${JSON.stringify(m)}'`).join(" ")} | "$PW" --home "$PWHOME" mcp`;
  const agent = await daemon.api("POST", `/api/workspaces/${workspaceId}/sessions`, {
    agentType: "script",
    kind: "command",
    command: ["sh", "-c", script],
    env: { PW: PARAWORK_BIN, PWHOME: daemon.home },
  });
  await call("session_wait", { sessionId: agent.id, until: "ended", timeoutMs: 60000 });
  const logs = await daemon.api("GET", `/api/sessions/${agent.id}/logs`);
  assert.ok(logs.some((l) => /^mcp: session_run .* → ok/.test(l.message)), JSON.stringify(logs));
  const sessions = await daemon.api("GET", "/api/sessions?all=1");
  assert.ok(sessions.some((s) => s.parentSessionId === agent.id), "the session it started names it as parent");
});
