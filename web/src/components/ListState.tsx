import type { AsyncState } from "./use_async";
import { ErrorNotice, Loading } from "./Status";

// What a list shows before and instead of its items: loading, the error with a retry, or the
// sentence for an empty list.
export function ListState({ state, empty }: { state: AsyncState<{ items: unknown[] }>; empty: string }) {
  return (
    <>
      {state.loading && !state.data && <Loading />}
      {state.error !== undefined && <ErrorNotice error={state.error} retry={state.reload} />}
      {state.data && state.data.items.length === 0 && <p>{empty}</p>}
    </>
  );
}
