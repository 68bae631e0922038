import { Link } from "./Link";
import { useSignal } from "./use_signal";
import { t, type MessageKey } from "../i18n";
import { location } from "../router";

export interface Tab {
  href: string;
  key: MessageKey;
}

// The tabs between one role's screens: a navigation landmark named `label`, the current screen
// marked for assistive technology.
export function Tabs({ tabs, label }: { tabs: Tab[]; label: string }) {
  const loc = useSignal(location);
  return (
    <nav class="tabs" aria-label={label}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.href}>
            <Link href={tab.href} aria-current={loc.path === tab.href ? "page" : undefined}>{t(tab.key)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
