// A real Vite dev server in a session, previewed through the daemon's proxy in Chromium: the
// page loads from http://<port>-<workspace>.localhost:<daemon port>/ (Chromium resolves
// *.localhost itself), and an edit to a module arrives by HMR over the proxied WebSocket — the
// page keeps its state, no reload.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { Daemon, Screenshots, eventually, launchBrowser, tempDir } from "../harness.mjs";

// Vite as the web UI's build installs it (scripts/bootstrap).
const VITE = fileURLToPath(new URL("../../../web/node_modules/.bin/vite", import.meta.url));

let daemon;
let browser;
let app;
const shots = new Screenshots("preview-vite");

before(async () => {
  daemon = await new Daemon().start();
  browser = await launchBrowser();
  app = tempDir("pw-vite-app");
  writeFileSync(
    join(app.path, "index.html"),
    '<!doctype html><html><body><div id="app"></div><script type="module" src="/main.js"></script></body></html>',
  );
  writeFileSync(
    join(app.path, "main.js"),
    `import { message } from "./message.js";
const show = (text) => { document.getElementById("app").textContent = text; };
show(message);
window.loadedOnce ??= Math.random();
if (import.meta.hot) import.meta.hot.accept("./message.js", (next) => show(next.message));
`,
  );
  writeFileSync(join(app.path, "message.js"), 'export const message = "first version";\n');
});

after(async () => {
  await browser?.close();
  await daemon?.dispose();
  app?.remove();
});

test("a Vite app is previewed and hot-reloads through the proxy", async () => {
  const ws = await daemon.api("POST", "/api/workspaces", { name: "vite-app", path: app.path });
  const session = await daemon.api("POST", `/api/workspaces/${ws.id}/sessions`, {
    agentType: "command",
    command: ["sh", "-c", `exec "${VITE}" --port "$PORT" --strictPort --host 127.0.0.1`],
  });
  const port = await eventually(
    "Vite listening",
    async () => (await daemon.api("GET", `/api/sessions/${session.id}/ports`)).find((p) => p.state === "listening"),
    30000,
  );
  assert.match(port.url, new RegExp(`^http://${port.port}-${ws.id.slice(0, 8)}\\.localhost:${daemon.port}/$`));

  const page = await browser.newPage();
  await page.goto(port.url);
  await eventually("the first version", async () => (await page.textContent("#app")) === "first version");
  const loadedOnce = await page.evaluate(() => window.loadedOnce);
  await shots.take(page, "first-version");

  writeFileSync(join(app.path, "message.js"), 'export const message = "second version";\n');
  await eventually("the HMR update", async () => (await page.textContent("#app")) === "second version", 20000);
  assert.equal(await page.evaluate(() => window.loadedOnce), loadedOnce, "HMR, not a reload");
  await shots.take(page, "hot-updated");

  await daemon.api("POST", `/api/sessions/${session.id}/stop`);
});
