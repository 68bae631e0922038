import { useState } from "preact/hooks";

// A button's action against the API: run(action, message) clears the last error, awaits the
// action, then reports `message` through onDone; a failure is kept in `error` for ErrorNotice.
export function useAction(onDone: (message: string) => void) {
  const [error, setError] = useState<unknown>(undefined);
  async function run(action: () => Promise<unknown>, message: string) {
    setError(undefined);
    try {
      await action();
      onDone(message);
    } catch (e) {
      setError(e);
    }
  }
  return { error, run };
}
