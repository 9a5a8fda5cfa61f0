// One file's unified diff: lines coloured by kind (added, removed, hunk header) and, for known
// languages, syntax-highlighted once the highlighter has loaded.
import { useEffect, useState } from "preact/hooks";
import type { FileDiff } from "../lib/types";
import { highlightLines } from "./highlight";

type Kind = "hunk" | "file" | "add" | "del" | "ctx";

function lineKind(line: string): Kind {
  if (line.startsWith("@@")) return "hunk";
  if (line.startsWith("+++") || line.startsWith("---")) return "file";
  if (line.startsWith("+")) return "add";
  if (line.startsWith("-")) return "del";
  return "ctx";
}

/** Code lines (add, del, context) lose their one-character marker before highlighting. */
const isCode = (k: Kind) => k === "add" || k === "del" || k === "ctx";

export function DiffView(props: { file: FileDiff }) {
  const f = props.file;
  const lines = f.diff?.split("\n") ?? [];
  const [html, setHtml] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    const code = lines.map((l) => (isCode(lineKind(l)) ? l.slice(1) : ""));
    void highlightLines(f.path, code)
      .then((h) => live && setHtml(h))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [f.diff, f.path]);

  if (f.binary) return <p class="muted">Binary file</p>;
  if (f.diff === null) return <p class="muted">The diff is too large to show here.</p>;
  return (
    <pre class="diff" data-testid="diff">
      {lines.map((line, i) => {
        const kind = lineKind(line);
        const highlighted = html?.[i];
        return (
          <div key={i} class={`diff-line ${kind}`}>
            {isCode(kind) && highlighted !== undefined ? (
              <>
                {line[0] ?? " "}
                <span dangerouslySetInnerHTML={{ __html: highlighted }} />
              </>
            ) : (
              line || " "
            )}
          </div>
        );
      })}
      {f.diffTruncated && <div class="diff-line muted">… cut here (over 1 MiB)</div>}
    </pre>
  );
}
