// Review and ship in the browser (issue 20 §7, "Done means"), as a person does it without a
// terminal: an agent (a small script standing in for one) writes a file; the person comments on
// two places of its diff (one line, then a range by shift-click), marks the file viewed and sends
// the comments; the agent fixes both, the file's "viewed" mark drops since its diff changed; the
// person resolves the comments, commits, merges into main as one squashed commit (each step
// confirmed with what exactly happens), archives the workspace and brings it back.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Daemon, Screenshots, eventually, gitRepo, launchBrowser } from "../harness.mjs";

let daemon;
let browser;
let page;
let repoPath;
let workspace;
const shots = new Screenshots("review");

// Writes notes.txt, then fixes what a message (one line or several) asks for, and goes quiet
// (idle) after each step.
const AGENT = `#!/bin/sh
printf 'title: notes\\ncolour: blue\\nsize: big\\nend\\n' > notes.txt
echo "agent: wrote notes.txt"
while IFS= read -r line; do
  case "$line" in *"American spelling"*) sed -i 's/^colour:/color:/' notes.txt; echo "agent: spelling fixed";; esac
  case "$line" in *"say large"*) sed -i 's/^size: big/size: large/' notes.txt; echo "agent: size fixed";; esac
done
`;

const git = (cwd, ...args) => {
  const r = spawnSync("git", ["-C", cwd, ...args], { encoding: "utf8" });
  return r.status === 0 ? r.stdout : null;
};

before(async () => {
  daemon = new Daemon();
  repoPath = gitRepo(join(daemon.home, "projects", "demo"));
  const agent = join(daemon.home, "agent.sh");
  writeFileSync(agent, AGENT, { mode: 0o755 });
  await daemon.start();
  const repo = await daemon.api("POST", "/api/repositories", { name: "demo", path: repoPath });
  workspace = await daemon.api("POST", "/api/workspaces", { name: "Notes", path: repoPath, repositoryId: repo.id });
  await daemon.api("POST", `/api/workspaces/${workspace.id}/sessions`, { agentType: "command", command: ["sh", agent] });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
});

after(async () => {
  if (page) await shots.take(page, "last").catch(() => undefined);
  await browser?.close();
  await daemon?.dispose();
});

const worktree = () => workspace.gitWorktree.worktreePath;
const notes = () => {
  try {
    return readFileSync(join(worktree(), "notes.txt"), "utf8");
  } catch {
    return "";
  }
};
const gutterOf = (text) => page.locator("[data-testid=diff] .diff-line", { hasText: text }).getByTestId("diff-line-number");
const notesRow = () => page.getByTestId("changed-file").filter({ hasText: "notes.txt" });
const notesViewed = () => page.locator("li", { has: notesRow() }).getByTestId("viewed");
const dialog = () => page.locator("dialog[open]");

async function addComment(body) {
  await page.getByTestId("comment-input").fill(body);
  await page.getByTestId("comment-save").click();
  await page.getByTestId("review-comment").filter({ hasText: body }).waitFor();
}

test("comments on two places of the diff reach the agent, which fixes them", async () => {
  await page.goto(`${daemon.loginUrl}#/workspaces/${workspace.id}`);
  await page.getByTestId("workspace-title").getByText("Notes").waitFor();
  await eventually("the agent's file", () => notes().includes("colour: blue"));
  await page.getByTestId("tab-changes").click();
  await notesRow().click();
  await gutterOf("colour: blue").click();
  await addComment("Use the American spelling");
  // A range: line 3, then shift-click line 4.
  await gutterOf("size: big").click();
  await gutterOf("end").click({ modifiers: ["Shift"] });
  await page.getByTestId("comment-box").filter({ hasText: "Comment on lines 3–4" }).waitFor();
  await addComment("Please use another word here");
  // Rewritten before it is sent: the agent acts on the new words only.
  await page.getByTestId("review-comment").filter({ hasText: "another word" }).getByTestId("comment-edit").click();
  await page.getByTestId("comment-input").fill("Please say large here");
  await page.getByTestId("comment-save").click();
  await page.getByTestId("review-comment").filter({ hasText: "Please say large here" }).waitFor();
  await notesViewed().check();
  await shots.take(page, "two-comments");

  // Sent once the agent is quiet (idle): until then the bar says why not.
  const send = page.getByTestId("send-comments");
  await send.filter({ hasText: "Send 2 comments to agent" }).waitFor();
  await eventually("the send bar enabled (the agent idle)", () => send.isEnabled());
  await send.click();
  await eventually("both fixes in the worktree", () => notes() === "title: notes\ncolor: blue\nsize: large\nend\n");
  // The diff changed: the file is no longer marked viewed.
  await eventually("the viewed mark dropped", async () => !(await notesViewed().isChecked()));
  await notesRow().click();
  await page.getByTestId("diff").getByText("size: large").waitFor();
  assert.equal(await page.getByTestId("comment-sent").count(), 2, "both comments marked sent");
  for (const resolved of [1, 2]) {
    await page.getByTestId("comment-resolve").first().click();
    await eventually(`${resolved} resolved`, async () => (await page.getByTestId("comment-reopen").count()) === resolved);
  }
  const stored = await daemon.api("GET", `/api/workspaces/${workspace.id}/review/comments?state=resolved`);
  assert.equal(stored.length, 2);
  await shots.take(page, "fixed-and-resolved");
});

test("commit and merge into main as one squashed commit, each confirmed", async () => {
  const branch = workspace.gitWorktree.branchName;
  await page.getByTestId("action-commit").click();
  await dialog().getByTestId("confirmation").filter({ hasText: `to ${branch} with this message` }).waitFor();
  await page.getByTestId("commit-message").fill("Add notes");
  await page.getByTestId("commit-submit").click();
  await dialog().waitFor({ state: "detached" });
  assert.equal(git(worktree(), "log", "-1", "--format=%s")?.trim(), "Add notes");
  await page.getByTestId("ahead-behind").filter({ hasText: "↑1 ↓0" }).waitFor();

  const mainBefore = git(repoPath, "rev-parse", "main").trim();
  await page.getByTestId("action-merge").click();
  await page.getByTestId("merge-clean").waitFor();
  await page.getByTestId("merge-mode-squash").check();
  const confirmation = await dialog().getByTestId("confirmation").textContent();
  assert.equal(
    confirmation,
    `Merge ${branch} into main as one squashed commit; main moves from ${mainBefore.slice(0, 7)} to a new commit; the worktree is not touched.`,
  );
  await shots.take(page, "merge-confirmation");
  await page.getByTestId("merge-submit").click();
  await dialog().waitFor({ state: "detached" });
  assert.equal(git(repoPath, "show", "main:notes.txt"), "title: notes\ncolor: blue\nsize: large\nend\n");
  assert.equal(git(repoPath, "rev-list", "--count", `${mainBefore}..main`)?.trim(), "1", "one squashed commit");
});

test("a refused action shows the daemon's message as it is", async () => {
  // Nothing left to commit: the daemon refuses, the dialog says why and stays open.
  await page.getByTestId("action-commit").click();
  await page.getByTestId("commit-message").fill("Nothing");
  await page.getByTestId("commit-submit").click();
  await dialog().getByTestId("action-error").filter({ hasText: "Nothing to commit" }).waitFor();
  await page.getByTestId("dialog-cancel").click();
  await dialog().waitFor({ state: "detached" });
});

test("archive, then unarchive from the sidebar", async () => {
  await page.getByTestId("action-archive").click();
  await dialog().getByTestId("confirmation").filter({ hasText: "is removed and the branch" }).waitFor();
  await page.getByTestId("archive-submit").click();
  await eventually("the workspace out of the list", async () => (await page.getByTestId("workspace-item").count()) === 0);
  const archived = page.getByTestId("archived");
  await archived.locator("summary").click();
  await archived.getByTestId("archived-item").getByText("Notes", { exact: true }).waitFor();
  await shots.take(page, "archived");
  await archived.getByTestId("unarchive").click();
  await archived.getByTestId("confirmation").filter({ hasText: "Unarchive Notes" }).waitFor();
  await archived.getByTestId("unarchive-confirm").click();
  await page.getByTestId("workspace-title").getByText("Notes").waitFor();
  await eventually("the worktree back", () => notes().includes("size: large"));
  await eventually("the archived list empty", async () => (await page.getByTestId("archived").count()) === 0);
});
