import { useCallback, useEffect, useMemo, useState } from "preact/hooks";

export interface AsyncState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

// Runs `load` when a dependency changes (and on reload()); ignores answers that arrive after a
// newer request started or after the component went away.
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    load(ctl.signal).then(
      (data) => { if (!ctl.signal.aborted) setState({ data, loading: false }); },
      (error) => { if (!ctl.signal.aborted) setState({ error, loading: false }); },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  // The same object until the state changes, so memoised children that take it skip renders.
  return useMemo(() => ({ ...state, reload }), [state, reload]);
}

// True once every one of `states` has answered at least once (data or error). A page made of
// several requests draws its sections together after that, so a section that answers late does
// not push the others down (a layout shift under the reader's eyes).
export function allAnswered(...states: AsyncState<unknown>[]): boolean {
  return states.every((s) => s.data !== undefined || s.error !== undefined);
}
