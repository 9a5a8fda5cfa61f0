// Syntax highlighting for diff lines: highlight.js's core with the languages people mostly diff,
// loaded on first use (not part of the first page load). Lines are highlighted one by one, so a
// construct spanning lines (a block comment) is coloured only where its markers are.
import type { HLJSApi } from "highlight.js";

const EXTENSIONS: Record<string, string> = {
  ts: "typescript", tsx: "typescript", mts: "typescript", js: "javascript", jsx: "javascript",
  mjs: "javascript", cjs: "javascript", py: "python", c: "c", h: "c", cc: "cpp", cpp: "cpp",
  cxx: "cpp", hpp: "cpp", hh: "cpp", go: "go", rs: "rust", json: "json", css: "css",
  html: "xml", xml: "xml", svg: "xml", sh: "bash", bash: "bash", md: "markdown", yml: "yaml",
  yaml: "yaml", toml: "ini", ini: "ini", java: "java", rb: "ruby", sql: "sql",
};

type LanguageModule = { default: Parameters<HLJSApi["registerLanguage"]>[1] };

// Literal import() calls, one per language, so the bundler can find and split them.
const LANGUAGES: [string, () => Promise<LanguageModule>][] = [
  ["typescript", () => import("highlight.js/lib/languages/typescript")],
  ["javascript", () => import("highlight.js/lib/languages/javascript")],
  ["python", () => import("highlight.js/lib/languages/python")],
  ["c", () => import("highlight.js/lib/languages/c")],
  ["cpp", () => import("highlight.js/lib/languages/cpp")],
  ["go", () => import("highlight.js/lib/languages/go")],
  ["rust", () => import("highlight.js/lib/languages/rust")],
  ["json", () => import("highlight.js/lib/languages/json")],
  ["css", () => import("highlight.js/lib/languages/css")],
  ["xml", () => import("highlight.js/lib/languages/xml")],
  ["bash", () => import("highlight.js/lib/languages/bash")],
  ["markdown", () => import("highlight.js/lib/languages/markdown")],
  ["yaml", () => import("highlight.js/lib/languages/yaml")],
  ["ini", () => import("highlight.js/lib/languages/ini")],
  ["java", () => import("highlight.js/lib/languages/java")],
  ["ruby", () => import("highlight.js/lib/languages/ruby")],
  ["sql", () => import("highlight.js/lib/languages/sql")],
];

let loading: Promise<HLJSApi> | null = null;

function load(): Promise<HLJSApi> {
  loading ??= (async () => {
    const { default: hljs } = await import("highlight.js/lib/core");
    const modules = await Promise.all(LANGUAGES.map(([, importer]) => importer()));
    modules.forEach((m, i) => hljs.registerLanguage(LANGUAGES[i]![0], m.default));
    return hljs;
  })();
  return loading;
}

export function languageOf(path: string): string | null {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return EXTENSIONS[ext] ?? null;
}

/** Each line's code as highlighted HTML (escaped by highlight.js), or null for no language. */
export async function highlightLines(path: string, lines: string[]): Promise<string[] | null> {
  const language = languageOf(path);
  if (!language) return null;
  const hljs = await load();
  return lines.map((code) => hljs.highlight(code, { language, ignoreIllegals: true }).value);
}
