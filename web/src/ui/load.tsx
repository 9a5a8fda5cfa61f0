// Loading data for a component: the hook that fetches on a change of its dependencies, and the
// line that shows its progress or error.
import { useEffect, useState } from "preact/hooks";
import { errorText } from "./format";

/** Loads `fetch()` whenever a dependency changes; shows progress and errors. */
export function useLoad<T>(fetch: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    fetch()
      .then((d) => live && (setData(d), setError(null)))
      .catch((e) => live && setError(errorText(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, deps);
  // setData: a change this page made, shown before the next load confirms it.
  return { data, error, loading, setData };
}

export function Status(props: { loading: boolean; error: string | null; hasData: boolean }) {
  if (props.error) return <p class="notice error">{props.error}</p>;
  if (props.loading && !props.hasData) return <progress aria-label="Loading" />;
  return null;
}
