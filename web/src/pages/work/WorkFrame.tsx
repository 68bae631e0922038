// The frame of facility staff's work screens: the page layout, the facility's name, and tabs for
// the day, check-in, doses, uploads and the correction inbox. Other roles are told these screens
// are for facility staff.
import type { ComponentChildren } from "preact";
import { session } from "../../api/session";
import { Layout } from "../../components/Layout";
import { Tabs, type Tab } from "../../components/Tabs";
import { useSignal } from "../../components/use_signal";
import { t } from "../../i18n";

const TABS: Tab[] = [
  { href: "/work", key: "work.tab.today" },
  { href: "/work/checkin", key: "work.tab.checkin" },
  { href: "/work/doses", key: "work.tab.doses" },
  { href: "/work/upload", key: "work.tab.upload" },
  { href: "/work/corrections", key: "work.tab.corrections" },
];

export function WorkFrame({ title, children }: { title: string; children: ComponentChildren }) {
  const s = useSignal(session);
  if (!s?.facilityCode) {
    return (
      <Layout title={title}>
        <h1 tabIndex={-1}>{title}</h1>
        <p class="notice" role="status">{t("work.staffOnly")}</p>
      </Layout>
    );
  }
  return (
    <Layout title={title}>
      <Tabs tabs={TABS} label={t("work.tabs")} />
      <h1 tabIndex={-1}>{title}</h1>
      {children}
    </Layout>
  );
}

// The signed-in staff member's facility code ("" for other roles).
export function myFacility(): string {
  return session.get()?.facilityCode ?? "";
}
