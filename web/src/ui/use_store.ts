// Components read the store through this hook and re-render when the part they read changes.
import { useEffect, useState } from "preact/hooks";
import type { State } from "../lib/store";
import { store } from "./controller";

export function useStore<T>(select: (s: State) => T): T {
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    setValue(() => select(store.get()));
    return store.subscribe((s) => setValue(() => select(s)));
    // The selector is expected to be a pure function of the state; re-subscribe when it changes.
  }, [select]);
  return value;
}
