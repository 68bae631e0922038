import type { ComponentChildren } from "preact";
import { navigate } from "../router";

interface Props {
  href: string;
  children: ComponentChildren;
  class?: string;
  "aria-current"?: "page" | undefined;
}

// An <a> that navigates inside the portal without reloading; modified clicks (new tab) and
// keyboard activation behave as for any link.
export function Link({ href, children, ...rest }: Props) {
  return (
    <a
      href={href}
      {...rest}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
