// parawork's MCP server driven by real MCP clients that nobody here wrote (issue 21): the
// official TypeScript SDK 1.x (protocol 2025-11-25 and older: initialize, Mcp-Session-Id), its
// 2.x client (2026-07-28: stateless, server/discover) and the MCP Inspector's CLI — over stdio
// (`parawork mcp`) and Streamable HTTP (/mcp with the token). A private daemon per file
// (tests/browser/harness.mjs).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

import { Daemon, PARAWORK_BIN, eventually, tempDir } from "../browser/harness.mjs";
import { Client as Client1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as Stdio1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport as Http1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as Client2, StreamableHTTPClientTransport as Http2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as Stdio2 } from "@modelcontextprotocol/client/stdio";

const here = dirname(fileURLToPath(import.meta.url));
const INSPECTOR = join(here, "node_modules/@modelcontextprotocol/inspector/cli/build/cli.js");
// The real Claude Code that `make test` installs (scripts/install-test-agents).
const AGENTS_BIN = process.env.PARAWORK_TEST_AGENTS_BIN ?? join(here, "../agents/node_modules/.bin");

let daemon;
before(async () => {
  daemon = new Daemon();
  await daemon.start();
});
after(async () => {
  await daemon.dispose();
});

const stdioArgs = () => ({ command: PARAWORK_BIN, args: ["--home", daemon.home, "mcp"] });
const httpUrl = () => new URL(`${daemon.url}/mcp`);
const withToken = (token) => ({ requestInit: { headers: { Authorization: `Bearer ${token}` } } });

/** Every kind of client, connected: [name, client]. */
async function connectAll() {
  const clients = [];
  const v1 = new Client1({ name: "sdk1-stdio", version: "1" });
  await v1.connect(new Stdio1(stdioArgs()));
  clients.push(["sdk 1.x over stdio", v1]);
  const v1http = new Client1({ name: "sdk1-http", version: "1" });
  await v1http.connect(new Http1(httpUrl(), withToken(daemon.token)));
  clients.push(["sdk 1.x over HTTP", v1http]);
  const v2 = new Client2({ name: "client2-stdio", version: "1" });
  await v2.connect(new Stdio2(stdioArgs()));
  clients.push(["client 2.x over stdio", v2]);
  const v2http = new Client2({ name: "client2-http", version: "1" });
  await v2http.connect(new Http2(httpUrl(), withToken(daemon.token)));
  clients.push(["client 2.x over HTTP", v2http]);
  return clients;
}

describe("MCP clients", () => {
  test("every client and transport connects and lists the same tools, by name", async () => {
    const clients = await connectAll();
    try {
      const lists = [];
      for (const [name, client] of clients) {
        assert.equal(client.getServerVersion().name, "parawork", name);
        const names = (await client.listTools()).tools.map((t) => t.name);
        assert.deepEqual(names, [...names].sort(), `${name}: tools in name order`);
        lists.push(names);
      }
      for (const names of lists) assert.deepEqual(names, lists[0]);
    } finally {
      for (const [, client] of clients) await client.close();
    }
  });

  test("an unknown tool is an error and starts nothing", async () => {
    const clients = await connectAll();
    try {
      for (const [name, client] of clients) {
        await assert.rejects(
          client.callTool({ name: "no_such_tool", arguments: {} }),
          /Unknown tool: no_such_tool/,
          name,
        );
      }
    } finally {
      for (const [, client] of clients) await client.close();
    }
  });

  test("HTTP without the right token is refused before any MCP", async () => {
    for (const token of ["", "wrong"]) {
      const client = new Client2({ name: "no-token", version: "1" });
      await assert.rejects(client.connect(new Http2(httpUrl(), withToken(token))));
    }
    const foreign = await fetch(httpUrl(), {
      method: "POST",
      headers: {
        Authorization: `Bearer ${daemon.token}`,
        Origin: "http://evil.example",
        "Content-Type": "application/json",
      },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    assert.equal(foreign.status, 403);
  });

  // Issue 21 §3: progress reaches each client while session_wait runs. The session ends only
  // once the client has seen a progress notification (it then makes the file the command waits
  // for), so progress that came along with the answer would leave the call waiting.
  test("progress reaches every client while the call runs, not with its answer", async () => {
    const dir = tempDir("pw-mcp-progress");
    const ws = await daemon.api("POST", "/api/workspaces", { name: "progress", path: dir.path });
    const clients = await connectAll();
    try {
      for (const [index, [name, client]] of clients.entries()) {
        const flag = join(dir.path, `go-${index}`);
        const started = await client.callTool({
          name: "session_run",
          arguments: { workspaceId: ws.id, command: ["sh", "-c", `while [ ! -e '${flag}' ]; do sleep 0.05; done`] },
        });
        const sessionId = started.structuredContent.session.id;
        let progressed = 0;
        const options = {
          timeout: 120000,
          onprogress: () => {
            if (progressed++ === 0) writeFileSync(flag, "");
          },
        };
        const wait = { name: "session_wait", arguments: { sessionId, until: "ended", timeoutMs: 120000 } };
        const result =
          client instanceof Client1 ? await client.callTool(wait, undefined, options) : await client.callTool(wait, options);
        assert.ok(progressed >= 1, name);
        assert.equal(result.structuredContent.reached, true, `${name}: ${JSON.stringify(result)}`);
      }
    } finally {
      for (const [, client] of clients) await client.close();
      dir.remove();
    }
  });

  test("the MCP Inspector's CLI lists the tools over stdio", () => {
    const run = spawnSync(
      process.execPath,
      [INSPECTOR, "--cli", PARAWORK_BIN, "--home", daemon.home, "mcp", "--method", "tools/list"],
      { encoding: "utf8", timeout: 60000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.ok(Array.isArray(JSON.parse(run.stdout).tools), run.stdout);
  });
  test("over stdio a restarted daemon is found again and the client never notices", async () => {
    const client = new Client1({ name: "sdk1-restart", version: "1" });
    await client.connect(new Stdio1(stdioArgs()));
    try {
      const before = (await client.listTools()).tools.length;
      await daemon.stop(); // its MCP sessions go with it
      await daemon.start();
      assert.equal((await client.listTools()).tools.length, before);
    } finally {
      await client.close();
    }
  });
  // A call that may have run is never sent again behind the client's back: the daemon dies
  // (SIGKILL) while an exec runs; the client gets an error for it, the command ran once, and
  // the next call reaches the daemon started again.
  test("over stdio a call whose daemon died while it ran fails and is not run again", async () => {
    const dir = tempDir("pw-mcp-lost");
    const ws = await daemon.api("POST", "/api/workspaces", { name: "lost", path: dir.path });
    const runs = join(dir.path, "runs");
    const release = join(dir.path, "release");
    const client = new Client1({ name: "sdk1-lost", version: "1" });
    await client.connect(new Stdio1(stdioArgs()));
    try {
      // It outlives the killed daemon: it ends when released, or when its directory is gone.
      const command = `echo run >> '${runs}'; while [ -d '${dir.path}' ] && [ ! -e '${release}' ]; do sleep 0.05; done`;
      const call = client
        .callTool(
          { name: "exec", arguments: { workspaceId: ws.id, command: ["sh", "-c", command], timeoutMs: 120000 } },
          undefined,
          { timeout: 120000 },
        )
        .then(
          (result) => ({ result }),
          (error) => ({ error }),
        );
      await eventually("the command to run", () => existsSync(runs));
      daemon.child.kill("SIGKILL");
      await daemon.stop();
      await daemon.start();
      const outcome = await call;
      assert.match(String(outcome.error?.message), /parawork daemon unavailable/, JSON.stringify(outcome.result));
      assert.equal(readFileSync(runs, "utf8"), "run\n");
      assert.ok((await client.listTools()).tools.length > 0);
    } finally {
      writeFileSync(release, "");
      await client.close();
      dir.remove();
    }
  });
  test("Claude Code adds `parawork mcp` as written in the docs and connects to it", () => {
    const scratch = tempDir("pw-claude-mcp");
    try {
      const home = join(scratch.path, "home");
      mkdirSync(home);
      const claude = (args) =>
        spawnSync(join(AGENTS_BIN, "claude"), args, {
          cwd: scratch.path,
          encoding: "utf8",
          timeout: 90000,
          env: { ...process.env, HOME: home },
        });
      const added = claude(["mcp", "add", "parawork", "--", PARAWORK_BIN, "--home", daemon.home, "mcp"]);
      assert.equal(added.status, 0, added.stderr);
      const listed = claude(["mcp", "list"]);
      assert.equal(listed.status, 0, listed.stderr);
      assert.match(listed.stdout, /parawork: .* - ✔ Connected/);
    } finally {
      scratch.remove();
    }
  });
});
