import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

// Renders `children` (and so fetches what they need) only once this place comes near the
// viewport: the figures further down a long page cost nothing until someone scrolls to them.
// `minHeight` keeps the space so nothing jumps when they appear.
export function WhenVisible({ children, minHeight }: { children: ComponentChildren; minHeight: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [shown, setShown] = useState(typeof IntersectionObserver === "undefined");
  useEffect(() => {
    if (shown || !ref.current) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        setShown(true);
        io.disconnect();
      }
    }, { rootMargin: "300px" });
    io.observe(ref.current);
    return () => io.disconnect();
  }, [shown]);
  return <div ref={ref} style={shown ? undefined : { minHeight }}>{shown && children}</div>;
}
