// Attention in the page (issue 19 §3): an agent that asks for the person (an OSC 9 notification in
// its output, the terminal layer's signal) moves its workspace to the top of the list with what it
// asked, the header counts it ("1 needs you"), the counter and Alt+J jump to it, and the page
// tells the person once, with a browser notification, since another workspace is in focus.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Daemon, Screenshots, eventually, gitRepo, launchBrowser } from "../harness.mjs";

let daemon;
let browser;
let quiet; // a workspace whose agent works and never asks
let asks; // a workspace whose agent asks once it is started
const shots = new Screenshots("attention");

/** An agent session in `workspace` running `argv`. */
const start = (workspace, argv) =>
  daemon.api("POST", `/api/workspaces/${workspace.id}/sessions`, { agentType: "command", command: argv });

before(async () => {
  daemon = new Daemon();
  const path = gitRepo(join(daemon.home, "projects", "demo"));
  await daemon.start();
  const repo = await daemon.api("POST", "/api/repositories", { name: "demo", path });
  quiet = await daemon.api("POST", "/api/workspaces", { name: "Quiet", path, repositoryId: repo.id });
  asks = await daemon.api("POST", "/api/workspaces", { name: "Asks", path, repositoryId: repo.id });
  await start(quiet, ["sleep", "600"]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await daemon?.dispose();
});

/** The workspace ids in sidebar order. */
const listed = (page) =>
  page.getByTestId("workspace-item").evaluateAll((items) => items.map((i) => i.dataset.workspaceId));

test("a waiting agent goes to the top with its reason, is counted, and notifies once", async (t) => {
  const context = await browser.newContext({ viewport: { width: 1300, height: 800 } });
  t.after(() => context.close());
  // The page's notifications, recorded: a stand-in for the Notification API, already granted.
  await context.addInitScript(() => {
    window.__notices = [];
    window.Notification = class {
      static permission = "granted";
      static requestPermission = async () => "granted";
      constructor(title, options) {
        window.__notices.push({ title, body: options?.body ?? "" });
      }
      close() {}
    };
  });
  const page = await context.newPage();
  await page.goto(`${daemon.loginUrl}#/workspaces/${quiet.id}`);
  await page.getByTestId("workspace-title").getByText("Quiet").waitFor();
  await eventually("the list in repository order", async () => (await listed(page))[0] === quiet.id);
  assert.equal(await page.getByTestId("need-you").count(), 0);

  await start(asks, ["sh", "-c", "printf '\\033]9;Approve the plan?\\007'; exec sleep 600"]);
  await page.getByTestId("need-you").getByText("1 needs you").waitFor();
  assert.deepEqual(await listed(page), [asks.id, quiet.id]);
  const first = page.getByTestId("workspace-item").first();
  assert.equal(await first.getByTestId("waiting-reason").textContent(), "Approve the plan?");
  await page.getByTestId("needs-you").waitFor();
  await eventually("one notification", async () => (await page.evaluate(() => window.__notices.length)) === 1);
  assert.deepEqual(await page.evaluate(() => window.__notices), [{ title: "Asks", body: "Approve the plan?" }]);
  await shots.take(page, "waiting-on-top");

  // The counter jumps to it; Alt+J too, from elsewhere.
  await page.getByTestId("need-you").click();
  await page.getByTestId("workspace-title").getByText("Asks").waitFor();
  await page.getByTestId("workspace-item").nth(1).click();
  await page.getByTestId("workspace-title").getByText("Quiet").waitFor();
  await page.keyboard.press("Alt+KeyJ");
  await page.getByTestId("workspace-title").getByText("Asks").waitFor();
  // The keyboard help names the key.
  await page.getByTestId("keyboard-help").locator("summary").click();
  await page.getByTestId("keyboard-help").getByText("Alt+J").waitFor();
  assert.equal(await page.evaluate(() => window.__notices.length), 1);
});
