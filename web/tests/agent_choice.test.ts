// What an agent picker holds while the agent list loads late, and after the person picks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { chosenAgent } from "../src/lib/agent_choice";
import type { AgentProfile } from "../src/lib/types";

const agent = (name: string, installed = true): AgentProfile => ({ name, command: name, defaultArgs: [], installed });
const LIST = [agent("claude-code", false), agent("codex", false), agent("echo-bot")];

test("before the list loads there is nothing to hold", () => {
  assert.equal(chosenAgent(null, []), "");
  assert.equal(chosenAgent(null, [], "echo-bot"), "");
});

test("without a choice: the preferred agent when listed, else the first installed, else the first", () => {
  assert.equal(chosenAgent(null, LIST), "echo-bot");
  assert.equal(chosenAgent(null, LIST, "codex"), "codex");
  assert.equal(chosenAgent(null, LIST, "gone"), "echo-bot");
  assert.equal(chosenAgent(null, [agent("a", false), agent("b", false)]), "a");
});

test("a choice is never overwritten by a list that loads (or reloads) later", () => {
  const picked = "echo-bot";
  assert.equal(chosenAgent(picked, []), "echo-bot");
  assert.equal(chosenAgent(picked, LIST), "echo-bot");
  assert.equal(chosenAgent(picked, [agent("claude-code")], "claude-code"), "echo-bot");
  assert.equal(chosenAgent("", LIST), "", "“no agent” is a choice too");
});
