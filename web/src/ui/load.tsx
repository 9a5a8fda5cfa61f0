// Loading data for a component: the hook that fetches on a change of its dependencies, the line
// that shows its progress or error, and the hook that runs an action with progress and error.
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

/** An action's progress and its error (the daemon's message as is). */
export function useRun() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Runs `fn`; true when it succeeded (the error shows otherwise). */
  const run = async (fn: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
