// What the page follows and remembers (issue 17): a `parawork ws open` link focuses its workspace
// (and a reload keeps it), the theme follows the system until the person picks one, a choice of
// agent survives an agent list that loads late, the agent terminal fills its pane (the agent
// sees as many columns as the page shows), and the Changes list says what each change is.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  Daemon,
  PARAWORK_BIN,
  Screenshots,
  agentOptions,
  agentScreen,
  agentScreenShows,
  chooseAgent,
  echoBotConfig,
  eventually,
  gitRepo,
  launchBrowser,
  typeInto,
} from "../harness.mjs";

let daemon;
let browser;
let repo; // the repository's API object
let workspace; // "Linked": a workspace with a running echo-bot
const shots = new Screenshots("ui-state");
const VIEWPORT = { width: 1400, height: 900 };

/** A page of its own (fresh storage), logged in with the login link plus `hash`. */
async function openPage(t, { colorScheme = "dark", hash = "" } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme });
  t.after(() => context.close());
  const page = await context.newPage();
  return { context, page, goto: () => page.goto(`${daemon.loginUrl}${hash}`) };
}

const theme = (page) => page.evaluate(() => document.documentElement.dataset.theme);

/** The sessions the daemon started in a workspace, newest first. */
const sessionsOf = (id) => daemon.api("GET", `/api/workspaces/${id}/sessions`);

before(async () => {
  daemon = new Daemon();
  mkdirSync(join(daemon.home, "config"), { recursive: true });
  writeFileSync(join(daemon.home, "config", "config.toml"), echoBotConfig(daemon.home));
  const path = gitRepo(join(daemon.home, "projects", "demo"));
  await daemon.start();
  repo = await daemon.api("POST", "/api/repositories", { name: "demo", path });
  // Two workspaces, so that landing on the linked one is not an accident of order.
  await daemon.api("POST", "/api/workspaces", { name: "Other", path, repositoryId: repo.id });
  workspace = await daemon.api("POST", "/api/workspaces", { name: "Linked", path, repositoryId: repo.id });
  await daemon.api("POST", `/api/workspaces/${workspace.id}/sessions`, { agentType: "echo-bot" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.dispose();
});

test("a `parawork ws open` link focuses its workspace, and a reload keeps it", async (t) => {
  const cli = spawnSync(PARAWORK_BIN, ["--home", daemon.home, "ws", "open", "Linked", "--print"], {
    encoding: "utf8",
    env: { ...process.env, DISPLAY: "", WAYLAND_DISPLAY: "" },
  });
  assert.equal(cli.status, 0, cli.stderr);
  const link = cli.stdout.trim().split("\n").pop();
  assert.match(link, new RegExp(`#/workspaces/${workspace.id}$`));
  const { page } = await openPage(t);
  await page.goto(link);
  await page.getByTestId("workspace-title").getByText("Linked").waitFor();
  assert.equal(new URL(page.url()).hash, `#/workspaces/${workspace.id}`);
  await agentScreenShows(page, "agent ready");
  await shots.take(page, "deep-link");
  await page.reload();
  await page.getByTestId("workspace-title").getByText("Linked").waitFor();
  // Another workspace: the address follows, so a reload comes back to that one.
  await page.locator("[data-testid=workspace-item]", { hasText: "Other" }).click();
  await page.getByTestId("workspace-title").getByText("Other").waitFor();
  await page.reload();
  await page.getByTestId("workspace-title").getByText("Other").waitFor();
  // A link opened in the same tab changes only the hash: it focuses too.
  await page.evaluate((id) => (location.hash = `#/workspaces/${id}`), workspace.id);
  await page.getByTestId("workspace-title").getByText("Linked").waitFor();
});

test("the theme follows the system until the person picks one, and the pick wins", async (t) => {
  const { page, goto } = await openPage(t, { colorScheme: "light" });
  await goto();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  assert.equal(await theme(page), "light");
  await page.emulateMedia({ colorScheme: "dark" });
  await eventually("the page to follow the system to dark", async () => (await theme(page)) === "dark");
  await page.reload();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  assert.equal(await theme(page), "dark", "nothing picked: still the system's");
  await shots.take(page, "system-dark");

  await page.getByTestId("theme-toggle").click();
  await eventually("the picked light theme", async () => (await theme(page)) === "light");
  await page.reload();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  assert.equal(await theme(page), "light", "the pick wins over the system's dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.emulateMedia({ colorScheme: "dark" });
  assert.equal(await theme(page), "light");
});

test("an agent list that loads late: the dialog waits for it and starts the agent shown", async (t) => {
  const { page, goto } = await openPage(t);
  // The agent list (and with it the page's first load) is held until the dialog is open.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/api/agents", async (route) => {
    await held;
    await route.continue();
  });
  await goto();
  await page.getByTestId("connection").getByText("Connected").waitFor();
  await page.keyboard.press("Alt+n");
  const picker = page.getByTestId("workspace-agent");
  await picker.waitFor();
  assert.equal(await picker.isDisabled(), true, "no agent to choose before the list is there");
  await page.getByTestId("workspace-name").fill("Late list");
  assert.equal(await page.getByTestId("dialog-submit").isDisabled(), true);
  await shots.take(page, "agents-loading");
  release();
  // A condition, not a time: the list is in the picker.
  await eventually("the agent list in the picker", async () => (await agentOptions(picker)).includes("echo-bot"));
  await eventually("the picker to be enabled", async () => !(await picker.isDisabled()));
  assert.equal(await picker.inputValue(), "echo-bot", "the default follows the list that arrived");
  await chooseAgent(page, "echo-bot");
  await page.getByTestId("dialog-submit").click();
  await page.getByTestId("workspace-title").getByText("Late list").waitFor();
  await agentScreenShows(page, "agent ready");
  const created = (await daemon.api("GET", "/api/workspaces")).find((w) => w.name === "Late list");
  assert.equal(created.repositoryId, repo.id, "the repository that arrived with the list");
  const [session] = await sessionsOf(created.id);
  assert.equal(session.agentType, "echo-bot");
});

test("the agent terminal fills its pane at 1400 px, also once the WebGL renderer is in", async (t) => {
  const { page, goto } = await openPage(t, { hash: `#/workspaces/${workspace.id}` });
  // The WebGL renderer is a lazy chunk: held (a slow link) until the terminal has been fitted
  // with the DOM renderer, whose cells are wider (fractional) than WebGL's (whole pixels).
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route("**/assets/addon-webgl-*.js", async (route) => {
    await held;
    await route.continue();
  });
  await goto();
  await agentScreenShows(page, "agent ready");
  const geometry = () =>
    page.evaluate(() => {
      const frame = document.querySelector(".agent-area [data-testid=terminal]");
      const slot = frame.querySelector(".terminal-slot");
      const screen = frame.querySelector(".xterm-screen");
      const size = window.parawork.size(frame.getAttribute("data-session-id"));
      const style = getComputedStyle(slot);
      const pane = slot.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const paneHeight = slot.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      const cell = screen.getBoundingClientRect();
      const webgl = !!screen.querySelector("canvas");
      return { ...size, pane, paneHeight, cellWidth: cell.width / size.cols, cellHeight: cell.height / size.rows, webgl };
    });
  // xterm keeps 14 px for its scrollbar (under two cells) and nothing else.
  const fits = (g) => {
    const cols = Math.floor(g.pane / g.cellWidth);
    const rows = Math.floor(g.paneHeight / g.cellHeight);
    return g.cols >= cols - 2 && g.cols <= cols && g.rows >= rows - 1 && g.rows <= rows;
  };
  const fitted = async (what, renderer) => {
    let last;
    try {
      return await eventually(what, async () => {
        last = await geometry();
        return last.webgl === renderer && fits(last) ? last : null;
      });
    } catch (e) {
      throw new Error(`${e.message}: ${JSON.stringify(last)}`);
    }
  };
  const dom = await fitted("the terminal to fill its pane (DOM renderer)", false);
  release();
  const g = await fitted("the terminal to fill its pane again with WebGL's cells", true);
  assert.ok(g.cellWidth < dom.cellWidth && g.cols > dom.cols, `${JSON.stringify(dom)} → ${JSON.stringify(g)}`);
  // The agent sees the size the page shows. Rows may settle once more after the renderer switch,
  // so the agent is asked again until its answer and the page agree (each answer is a new line).
  const answers = async () => [...((await agentScreen(page)) ?? "").matchAll(/size: (\d+) (\d+)/g)];
  let seen;
  await eventually("the agent to see the size the page shows", async () => {
    const asked = (await answers()).length;
    await typeInto(page, ".agent-area", "size");
    const all = await eventually("the agent to print its size", async () => {
      const now = await answers();
      return now.length > asked ? now : null;
    });
    const [, rows, cols] = all[all.length - 1];
    seen = { rows: Number(rows), cols: Number(cols), page: await geometry() };
    return fits(seen.page) && seen.rows === seen.page.rows && seen.cols === seen.page.cols;
  }).catch((e) => assert.fail(`${e.message}: ${JSON.stringify(seen)}`));
  await shots.take(page, "terminal-fills-its-pane");
});

test("the Changes list says what each change is", async (t) => {
  const { page, goto } = await openPage(t, { hash: `#/workspaces/${workspace.id}` });
  await goto();
  await agentScreenShows(page, "agent ready");
  await typeInto(page, ".agent-area", "write");
  await agentScreenShows(page, "written");
  await page.getByTestId("tab-changes").click();
  const row = page.getByTestId("changed-file").filter({ hasText: "notes.js" });
  await row.waitFor();
  const badge = row.getByTestId("change-type");
  assert.equal(await badge.innerText(), "new");
  assert.match((await badge.getAttribute("title")) ?? "", /^created since /);
  await shots.take(page, "changes-words");
});
