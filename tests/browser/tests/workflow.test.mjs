// The whole parawork workflow in the browser, as a person does it: log in, add a repository
// through the directory browser, create a workspace with an agent (a shell script standing in
// for one), type and see the echo, resize, switch workspaces and come back to the same screen,
// restart the daemon and see the terminal come back, stop, see the history, delete.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  Daemon,
  Forwarder,
  Screenshots,
  agentScreenShows,
  agentScreen as agentScreenOf,
  chooseAgent as chooseAgentOn,
  echoBotConfig,
  eventually,
  gitRepo,
  launchBrowser,
  typeInto as typeIntoPage,
} from "../harness.mjs";

let daemon;
let forwarder; // the page's stable address across daemon restarts
let browser;
let page;
const shots = new Screenshots("workflow");

const agentScreen = () => agentScreenOf(page);
const screenShows = (text, timeoutMs) => agentScreenShows(page, text, timeoutMs);
const typeInto = (area, line) => typeIntoPage(page, area, line);

const typeIntoAgent = (line) => typeInto(".agent-area", line);
const chooseAgent = (name) => chooseAgentOn(page, name);

/** The visible text of the side panel's shell. */
async function shellScreen() {
  return page.evaluate(() => {
    const id = document.querySelector(".side-panel [data-testid=terminal]")?.getAttribute("data-session-id");
    return id ? window.parawork.screen(id) : null;
  });
}

before(async () => {
  forwarder = await new Forwarder().listen();
  daemon = new Daemon({ env: forwarder.daemonEnv() });
  mkdirSync(join(daemon.home, "config"), { recursive: true });
  writeFileSync(join(daemon.home, "config", "config.toml"), echoBotConfig(daemon.home));
  gitRepo(join(daemon.home, "projects", "demo"));
  await daemon.start();
  forwarder.forwardTo(daemon);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

after(async () => {
  if (page) await shots.take(page, "last").catch(() => undefined);
  await browser?.close();
  await daemon?.dispose();
  await forwarder?.close();
});

test("the login link logs in and a first run shows the three steps", async () => {
  await page.goto(`${forwarder.url}/?token=${daemon.token}`);
  assert.equal(new URL(page.url()).search, "", "the token is gone from the address bar");
  await page.getByTestId("empty-state").waitFor();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  await shots.take(page, "empty-state");
});

test("the theme switches between dark and light", async () => {
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  const first = await theme();
  await page.getByTestId("theme-toggle").click();
  await eventually("the other theme", async () => (await theme()) !== first);
  await shots.take(page, "other-theme");
  await page.getByTestId("theme-toggle").click();
  await eventually("the first theme again", async () => (await theme()) === first);
});

test("add a repository through the directory browser", async () => {
  await page.getByTestId("add-repo").click();
  const browserList = page.getByTestId("dir-browser");
  await browserList.getByText("projects", { exact: true }).click();
  const demo = browserList.locator('[data-testid=dir-entry][data-path$="/projects/demo"]');
  await demo.waitFor();
  assert.match((await demo.getAttribute("class")) ?? "", /\bgit\b/, "marked as a git repository");
  await demo.click();
  assert.equal(await page.getByTestId("repo-name").inputValue(), "demo");
  await shots.take(page, "add-repository");
  await page.getByTestId("dialog-submit").click();
  await page.locator(".repo-name", { hasText: "demo" }).waitFor();
  const repos = await daemon.api("GET", "/api/repositories");
  assert.deepEqual(
    repos.map((r) => r.name),
    ["demo"],
  );
});

test("create a workspace that starts the agent, and see its terminal", async () => {
  await page.getByTestId("new-workspace").click();
  await page.getByTestId("workspace-name").fill("First task");
  await chooseAgent("echo-bot");
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("workspace-title").getByText("First task").waitFor();
  await screenShows("agent ready");
  await shots.take(page, "agent-started");
  const [ws] = await daemon.api("GET", "/api/workspaces");
  assert.equal(ws.gitWorktree.branchName, "parawork/first-task");
  const [session] = await daemon.api("GET", `/api/workspaces/${ws.id}/sessions`);
  assert.equal(session.agentType, "echo-bot", "the agent chosen is the agent started");
});

test("type into the agent and see the echo", async () => {
  await typeIntoAgent("hello from the browser");
  await screenShows("echo: hello from the browser");
  await shots.take(page, "echo");
});

test("the agent's file changes show up with their diff, syntax-highlighted", async () => {
  await typeIntoAgent("write");
  await screenShows("written");
  await page.getByTestId("tab-changes").click();
  const file = page.getByTestId("changed-file").filter({ hasText: "notes.js" });
  await file.waitFor();
  await file.click();
  await page.getByTestId("diff").getByText("hello notes").waitFor();
  await page.locator("[data-testid=diff] .diff-line.add .hljs-keyword", { hasText: "const" }).waitFor();
  await shots.take(page, "changes");
});

test("a shell in the workspace, beside the agent", async () => {
  await page.getByTestId("tab-terminal").click();
  await page.getByTestId("open-shell").click();
  await page.locator(".side-panel [data-testid=terminal]").waitFor();
  await eventually("the shell's prompt", async () => (await shellScreen())?.trim().length > 0);
  await typeInto(".side-panel", "echo sum=$((6*7))");
  await eventually("the shell's answer", async () => (await shellScreen())?.includes("sum=42"));
  await shots.take(page, "shell");
});

test("resizing the page resizes the agent's terminal", async () => {
  const sizeOf = () =>
    page.evaluate(() => {
      const id = document.querySelector(".agent-area [data-testid=terminal]")?.getAttribute("data-session-id");
      return id ? window.parawork.size(id) : null;
    });
  const before = await sizeOf();
  await page.setViewportSize({ width: 1100, height: 700 });
  const afterSize = await eventually("the terminal to refit", async () => {
    const s = await sizeOf();
    return s && (s.cols !== before.cols || s.rows !== before.rows) ? s : null;
  });
  await typeIntoAgent("size");
  await screenShows(`size: ${afterSize.rows} ${afterSize.cols}`);
  await shots.take(page, "resized");
});

test("switch to another workspace and come back to the same screen", async () => {
  const before = await agentScreen();
  await page.keyboard.press("Alt+n");
  await page.getByTestId("workspace-name").fill("Second task");
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("workspace-title").getByText("Second task").waitFor();
  await screenShows("agent ready");
  await typeIntoAgent("in the second one");
  await screenShows("echo: in the second one");
  await shots.take(page, "second-workspace");
  await page.keyboard.press("Control+1");
  await page.getByTestId("workspace-title").getByText("First task").waitFor();
  assert.equal(await agentScreen(), before);
  await shots.take(page, "back-to-first");
});

test("a background agent that finishes gets a badge and counts in the tab title", async () => {
  const second = (await daemon.api("GET", "/api/workspaces")).find((w) => w.name === "Second task");
  const [session] = await daemon.api("GET", `/api/workspaces/${second.id}/sessions`);
  await daemon.api("POST", `/api/sessions/${session.id}/stop`);
  const item = page.locator(`[data-testid=workspace-item][data-workspace-id="${second.id}"]`);
  await item.getByTestId("attention-badge").waitFor();
  assert.match(await page.title(), /^\(1\) First task/);
  await shots.take(page, "background-badge");
});

test("restart the daemon: the page reconnects and the terminal comes back", async () => {
  const before = await agentScreen();
  await daemon.restart();
  forwarder.forwardTo(daemon);
  await page.getByTestId("connection").getByText("Connected").waitFor({ timeout: 20000 });
  // The terminal's own stream reconnects on its own schedule; keys typed before it is back are
  // not queued (they would reach the agent late and out of context).
  await page.locator(".agent-area [data-testid=terminal-state]").waitFor({ state: "detached", timeout: 20000 });
  await typeIntoAgent("after the restart");
  await screenShows("echo: after the restart");
  const screen = await agentScreen();
  assert.ok(screen.includes("echo: hello from the browser"), `earlier output kept:\n${screen}`);
  assert.ok(before.includes("echo: hello from the browser"));
  await page.getByTestId("tab-terminal").click();
  await eventually("the shell to come back", async () => (await shellScreen())?.includes("sum=42"));
  await page.locator(".side-panel [data-testid=terminal-state]").waitFor({ state: "detached", timeout: 20000 });
  await typeInto(".side-panel", "echo again=$((6*8))");
  await eventually("the shell to answer", async () => (await shellScreen())?.includes("again=48"));
  await shots.take(page, "after-restart");
});

test("a flooding agent keeps the page responsive and the terminal catches up", async () => {
  await typeIntoAgent("flood");
  // While the output pours in, the page still answers clicks.
  await page.getByTestId("tab-logs").click();
  await eventually("the Logs tab to open", async () =>
    (await page.getByTestId("tab-logs").getAttribute("aria-selected")) === "true",
  );
  await page.getByTestId("tab-changes").click();
  await screenShows("flood done", 120000);
  await typeIntoAgent("still here");
  await screenShows("echo: still here");
  await shots.take(page, "after-flood");
});

test("stop the agent and see it in the history", async () => {
  await page.getByTestId("stop-agent").click();
  await page.getByTestId("terminal-state").getByText("Stopped").waitFor();
  await page.getByTestId("start-agent").waitFor();
  await page.getByTestId("tab-history").click();
  await page.getByTestId("history-item").first().waitFor();
  assert.match(await page.getByTestId("history-item").first().innerText(), /echo-bot/);
  await shots.take(page, "history");
});

test("delete a workspace after confirming", async () => {
  await page.keyboard.press("Control+2");
  await page.getByTestId("workspace-title").getByText("Second task").waitFor();
  assert.equal(await page.getByTestId("attention-badge").count(), 0, "focusing clears the badge");
  await page.getByTestId("delete-workspace").click();
  await shots.take(page, "confirm-delete");
  await page.getByTestId("dialog-submit").click();
  await eventually("the workspace to disappear", async () => (await page.getByTestId("workspace-item").count()) === 1);
  const left = await daemon.api("GET", "/api/workspaces");
  assert.deepEqual(
    left.map((w) => w.name),
    ["First task"],
  );
});
