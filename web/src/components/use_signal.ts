import { useEffect, useState } from "preact/hooks";
import type { Signal } from "../i18n/signal";

// The signal's current value; the component re-renders when it changes.
export function useSignal<T>(s: Signal<T>): T {
  const [value, setValue] = useState(s.get());
  useEffect(() => {
    setValue(s.get());
    return s.subscribe(setValue);
  }, [s]);
  return value;
}
