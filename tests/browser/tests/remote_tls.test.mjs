// Remote access, as issue 10's "Done means" puts it: a person on another machine of the same
// network logs in with the printed link, sees the UI, types into an agent's terminal and opens a
// preview, over TLS; and nobody without the token gets anything but a login page.
//
// The other machine is Chromium in a network namespace, joined to this one by a veth pair: it
// reaches the daemon on a non-loopback address, over TLS with a certificate made here. Its
// resolver maps preview.test and *.preview.test (the preview domain) to the daemon's address, as
// a wildcard DNS record would.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  Daemon,
  NetworkNamespace,
  Screenshots,
  agentScreen,
  agentScreenShows,
  chooseAgent,
  echoBotConfig,
  eventually,
  gitRepo,
  launchBrowser,
  tempDir,
  testCertificate,
  typeInto,
} from "../harness.mjs";

const PREVIEW_TEXT = "served from the workspace, seen from the other machine";

let ns;
let skipReason = "";
let certs;
let site; // what the preview serves
let daemon;
let browser;
let context; // the person with the token
let page;
let previewUrl = "";
const shots = new Screenshots("remote-tls");

/** A test that needs the namespace: skipped, saying why, where one can't be made. */
const remoteTest = (name, fn) => test(name, (t) => (skipReason ? t.skip(skipReason) : fn(t)));

/** A page's origin on the preview domain's own host (the UI is served there too). */
const previewDomainOrigin = () => `https://preview.test:${daemon.port}`;

/** Waits for the preview login (on the preview domain's host) to ask for a token. */
async function previewLoginAsks(page) {
  await page.locator("#login input[name=token]").waitFor();
  assert.equal(new URL(page.url()).origin, previewDomainOrigin());
  assert.match(await page.locator("#message").innerText(), /Log in to parawork to open this preview/);
}

before(async () => {
  try {
    ns = NetworkNamespace.create();
  } catch (e) {
    skipReason = `no network namespace for the other machine (needs CAP_NET_ADMIN): ${e.message}`;
    return;
  }
  const host = ns.hostAddress;
  certs = tempDir("pw-remote-certs");
  const { cert, key } = testCertificate(certs.path, ["DNS:preview.test", "DNS:*.preview.test", `IP:${host}`]);
  daemon = new Daemon({ args: ["--listen", `${host}:0`, "--tls-cert", cert, "--tls-key", key] });
  mkdirSync(join(daemon.home, "config"), { recursive: true });
  writeFileSync(
    join(daemon.home, "config", "config.toml"),
    `[preview]\ndomain = "preview.test"\n\n${echoBotConfig(daemon.home)}`,
  );
  const repo = gitRepo(join(daemon.home, "projects", "demo"));
  await daemon.start();
  await daemon.api("POST", "/api/repositories", { name: "demo", path: repo });
  site = tempDir("pw-remote-site");
  writeFileSync(join(site.path, "index.html"), `<!doctype html><title>preview</title><h1 id="it">${PREVIEW_TEXT}</h1>`);
  browser = await launchBrowser({
    netns: ns.name,
    args: ["--ignore-certificate-errors", `--host-resolver-rules=MAP preview.test ${host}, MAP *.preview.test ${host}`],
  });
  context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

after(async () => {
  if (page) await shots.take(page, "last").catch(() => undefined);
  await browser?.close();
  await daemon?.dispose();
  ns?.remove();
  certs?.remove();
  site?.remove();
});

/** The first login link the daemon printed: the UI on the preview domain. */
const printedLink = () => /open the UI: (\S+)/.exec(daemon.output)?.[1];

remoteTest("the daemon prints login links on the preview domain and its address, over https", () => {
  assert.equal(printedLink(), `${previewDomainOrigin()}/?token=${daemon.token}`);
  assert.ok(daemon.output.includes(`${daemon.loginUrl}\n`), daemon.output);
  assert.ok(daemon.output.includes(`listening on ${daemon.url} (TLS)`), daemon.output);
  assert.equal(daemon.url, `https://${ns.hostAddress}:${daemon.port}`);
});

remoteTest("the printed link logs the other machine in, over TLS, and shows the UI", async () => {
  assert.ok(ns.processNames().includes("chromium"), "the browser runs on the other machine");
  const res = await page.goto(printedLink());
  assert.equal(new URL(page.url()).origin, previewDomainOrigin());
  assert.equal(new URL(page.url()).search, "", "the token is gone from the address bar");
  const tls = await res.securityDetails();
  assert.match(tls?.protocol ?? "", /^TLS/, "the page came over TLS");
  assert.equal(tls.subjectName, "parawork test");
  const [cookie] = (await context.cookies(previewDomainOrigin())).filter((c) => c.name === "parawork_token");
  assert.ok(cookie, "logged in with a cookie");
  assert.deepEqual([cookie.secure, cookie.httpOnly, cookie.sameSite], [true, true, "Strict"]);
  await page.locator(".repo-name", { hasText: "demo" }).waitFor();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  await shots.take(page, "logged-in");
});

remoteTest("create a workspace with an agent and type into its terminal", async () => {
  await page.getByTestId("new-workspace").click();
  await page.getByTestId("workspace-name").fill("Remote task");
  await chooseAgent(page, "echo-bot");
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("workspace-title").getByText("Remote task").waitFor();
  await agentScreenShows(page, "agent ready");
  const ws = (await daemon.api("GET", "/api/workspaces")).find((w) => w.name === "Remote task");
  const [session] = await daemon.api("GET", `/api/workspaces/${ws.id}/sessions`);
  assert.equal(session.agentType, "echo-bot", "the agent chosen is the agent started");
  await typeInto(page, ".agent-area", "typed on the other machine");
  await agentScreenShows(page, "echo: typed on the other machine");
  await shots.take(page, "echo");
});

remoteTest("a network drop: the page reconnects by itself and the terminal is as it was", async () => {
  // The lines with text, in order: where the viewport stands among blank rows after the re-attach
  // (a resize may land before or after the snapshot) is not what this checks.
  const textLines = (screen) => (screen ?? "").split("\n").filter((line) => line.trim()).join("\n");
  const before = textLines(await agentScreen(page));
  assert.ok(ns.dropConnectionsTo(ns.hostAddress) >= 2, "the page's sockets (events, terminal) were cut");
  // The page notices (its sockets were aborted), reconnects, and re-attaches from the offset it
  // had reached: the same lines, none lost or repeated, and typing goes on.
  await page.getByTestId("connection").getByText("Connected").waitFor();
  let now;
  await eventually("the same screen", async () => (now = textLines(await agentScreen(page))) === before).catch(
    (e) => assert.fail(`${e.message}\nbefore:\n${before}\nnow:\n${now}`),
  );
  await typeInto(page, ".agent-area", "after the drop");
  await agentScreenShows(page, "echo: after the drop");
  await shots.take(page, "after-a-network-drop");
});

remoteTest("open a preview: straight away where the printed link logged in, else with the token", async (t) => {
  // A web server in a workspace of its own (the agent's workspace has its one session).
  const ws = await daemon.api("POST", "/api/workspaces", { name: "site", path: site.path });
  const server = await daemon.api("POST", `/api/workspaces/${ws.id}/sessions`, {
    agentType: "command",
    command: ["sh", "-c", 'exec python3 -m http.server "$PORT" --bind 127.0.0.1'],
  });
  const port = await eventually(
    "the preview's server listening",
    async () => (await daemon.api("GET", `/api/sessions/${server.id}/ports`)).find((p) => p.state === "listening"),
    30000,
  );
  previewUrl = port.url;
  assert.equal(previewUrl, `https://${port.port}-${ws.id.slice(0, 8)}.preview.test:${daemon.port}/`);

  // Logged in on the preview domain's host (the printed link), a one-time code carries the login
  // to the preview's origin, which sets its own pass, and the preview opens.
  await page.goto(previewUrl);
  await page.locator("#it", { hasText: PREVIEW_TEXT }).waitFor();
  assert.equal(page.url(), previewUrl, "back on the preview's own URL, without the code");
  const [pass] = (await context.cookies(previewUrl)).filter((c) => c.name === "parawork_preview");
  assert.ok(pass, "the preview origin has its pass");
  assert.deepEqual([pass.secure, pass.httpOnly, pass.domain], [true, true, new URL(previewUrl).hostname]);
  assert.equal(
    (await context.cookies(previewUrl)).filter((c) => c.name === "parawork_token").length,
    0,
    "the preview origin never gets the login cookie",
  );
  await shots.take(page, "preview");

  // Logged in on the address instead: the preview's login origin has no cookie yet, so it asks
  // for the token once, and then the preview opens.
  const elsewhere = await browser.newContext();
  t.after(() => elsewhere.close());
  const other = await elsewhere.newPage();
  await other.goto(daemon.loginUrl);
  await other.getByTestId("connection").getByText("Connected").waitFor();
  await other.goto(previewUrl);
  await previewLoginAsks(other);
  await shots.take(other, "preview-asks-for-the-token");
  await other.locator("#login input[name=token]").fill(daemon.token);
  await other.locator("#login button").click();
  await other.locator("#it", { hasText: PREVIEW_TEXT }).waitFor();
  assert.equal(other.url(), previewUrl);
});

remoteTest("without the token, the other machine gets only the login page", async (t) => {
  const stranger = await browser.newContext();
  t.after(() => stranger.close());
  const look = await stranger.newPage();
  const isLoginPage = async () => {
    assert.equal(await look.title(), "parawork — log in");
    assert.equal(await look.locator("input[name=token]").count(), 1);
  };

  for (const origin of [daemon.url, previewDomainOrigin()]) {
    const ui = await look.goto(`${origin}/`);
    assert.equal(ui.status(), 401, `${origin}/`);
    await isLoginPage();
    const workspaceLink = await look.goto(`${origin}/workspaces/whatever?tab=terminal`);
    assert.equal(workspaceLink.status(), 401);
    await isLoginPage();
    const api = await look.goto(`${origin}/api/workspaces`);
    assert.equal(api.status(), 401, `${origin}/api/workspaces`);
    assert.equal((await api.json()).success, false);
  }
  const wrong = await look.goto(`${daemon.url}/?token=${"0".repeat(64)}`);
  assert.equal(wrong.status(), 403);
  await isLoginPage();
  await look.getByText("This login link is not valid").waitFor();
  await shots.take(look, "stranger-wrong-token");

  // A preview sends a stranger to the login as well, and a wrong token goes no further.
  await look.goto(previewUrl);
  await previewLoginAsks(look);
  await shots.take(look, "stranger-preview");
  await look.locator("#login input[name=token]").fill("f".repeat(64));
  await look.locator("#login button").click();
  await look.getByText("This login link is not valid").waitFor();
  assert.equal(new URL(look.url()).origin, previewDomainOrigin());
  assert.equal(
    (await stranger.cookies()).filter((c) => c.name.startsWith("parawork")).length,
    0,
    "no credential of any kind",
  );
  await shots.take(look, "stranger-preview-wrong-token");
});
