// The frame of administrators' screens: accounts and the audit log. Other roles are told these
// screens are for administrators.
import type { ComponentChildren } from "preact";
import { session } from "../../api/session";
import { Layout } from "../../components/Layout";
import { Link } from "../../components/Link";
import { useSignal } from "../../components/use_signal";
import { t, type MessageKey } from "../../i18n";
import { location } from "../../router";

const TABS: { href: string; key: MessageKey }[] = [
  { href: "/admin", key: "admin.tab.accounts" },
  { href: "/admin/audit", key: "admin.tab.audit" },
];

export function AdminFrame({ title, children }: { title: string; children: ComponentChildren }) {
  const s = useSignal(session);
  const loc = useSignal(location);
  return (
    <Layout title={title}>
      {s?.role === "admin" && (
        <nav class="tabs" aria-label={t("admin.tabs")}>
          <ul>
            {TABS.map((tab) => (
              <li key={tab.href}>
                <Link href={tab.href} aria-current={loc.path === tab.href ? "page" : undefined}>{t(tab.key)}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <h1 tabIndex={-1}>{title}</h1>
      {s?.role === "admin" ? children : <p class="notice" role="status">{t("admin.only")}</p>}
    </Layout>
  );
}
