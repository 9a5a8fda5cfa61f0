// The address that names the focused workspace (`parawork ws open` links).
import assert from "node:assert/strict";
import { test } from "node:test";
import { linkedWorkspace, workspaceHash } from "../src/lib/route";

test("the hash names the workspace, as `parawork ws open` links do", () => {
  assert.equal(linkedWorkspace("#/workspaces/3f2a-b1", ""), "3f2a-b1");
  assert.equal(linkedWorkspace("#/workspaces/3f2a-b1/", ""), "3f2a-b1");
  assert.equal(linkedWorkspace("#/workspaces/3f2a-b1?tab=terminal", ""), "3f2a-b1");
  assert.equal(linkedWorkspace("#/workspaces/a%20b", ""), "a b");
});

test("the older ?workspace= form still works; the hash wins over it", () => {
  assert.equal(linkedWorkspace("", "?workspace=w1"), "w1");
  assert.equal(linkedWorkspace("#/workspaces/w2", "?workspace=w1"), "w2");
});

test("anything else names no workspace", () => {
  assert.equal(linkedWorkspace("", ""), null);
  assert.equal(linkedWorkspace("#/workspaces/", ""), null);
  assert.equal(linkedWorkspace("#/repositories/x", ""), null);
  assert.equal(linkedWorkspace("#/workspaces/%E0%A4%A", ""), null);
  assert.equal(linkedWorkspace("#", "?workspace="), null);
});

test("the hash written for a workspace reads back as the same id", () => {
  for (const id of ["3f2a-b1", "a b", "x/y"]) assert.equal(linkedWorkspace(workspaceHash(id), ""), id);
  assert.equal(workspaceHash(null), "");
});
