#!/usr/bin/env node
// Runs the web UI's unit tests (tests/*.test.ts) with node's own test runner: esbuild bundles
// each test file with the plain TypeScript modules it imports (no DOM, no framework) into a temp
// directory, then `node --test` runs them. Exit code: node's.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const testDir = join(web, "tests");
const tests = readdirSync(testDir).filter((f) => f.endsWith(".test.ts"));
const out = mkdtempSync(join(tmpdir(), "parawork-web-tests-"));
try {
  await build({
    entryPoints: tests.map((f) => join(testDir, f)),
    outdir: out,
    bundle: true,
    platform: "node",
    format: "esm",
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  const files = readdirSync(out).map((f) => join(out, f));
  const run = spawnSync(process.execPath, ["--test", ...files], { stdio: "inherit" });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
