// The frame of administrators' screens: accounts and the audit log. Other roles are told these
// screens are for administrators.
import type { ComponentChildren } from "preact";
import { session } from "../../api/session";
import { Layout } from "../../components/Layout";
import { Tabs, type Tab } from "../../components/Tabs";
import { useSignal } from "../../components/use_signal";
import { t } from "../../i18n";

const TABS: Tab[] = [
  { href: "/admin", key: "admin.tab.accounts" },
  { href: "/admin/audit", key: "admin.tab.audit" },
  { href: "/admin/status", key: "admin.tab.status" },
];

export function AdminFrame({ title, children }: { title: string; children: ComponentChildren }) {
  const s = useSignal(session);
  return (
    <Layout title={title}>
      {s?.role === "admin" && (
        <Tabs tabs={TABS} label={t("admin.tabs")} />
      )}
      <h1 tabIndex={-1}>{title}</h1>
      {s?.role === "admin" ? children : <p class="notice" role="status">{t("admin.only")}</p>}
    </Layout>
  );
}
