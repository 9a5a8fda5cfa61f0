// The page's address names the focused workspace: `#/workspaces/<id>`, the form `parawork ws
// open` prints (the login's redirect keeps the `#` part). The older `?workspace=<id>` is still
// read. Plain functions over strings, so the unit tests need no browser.

const PREFIX = "#/workspaces/";

/** The workspace an address points at (its hash first, then `?workspace=`), or null. */
export function linkedWorkspace(hash: string, search: string): string | null {
  if (hash.startsWith(PREFIX)) {
    // Anything after the id (`/…`, `?…`) is not part of it.
    const raw = hash.slice(PREFIX.length).split(/[/?#]/)[0] ?? "";
    try {
      const id = decodeURIComponent(raw);
      if (id) return id;
    } catch {
      // A malformed escape: not a workspace id.
    }
  }
  const fromQuery = new URLSearchParams(search).get("workspace");
  return fromQuery ? fromQuery : null;
}

/** The hash that names `id` (or none). */
export function workspaceHash(id: string | null): string {
  return id ? `${PREFIX}${encodeURIComponent(id)}` : "";
}
