// The frame of a health authority's screens: the correction queue, identity review, the
// data-cleaning queue, facilities, and people to reach. Other roles are told these screens are
// for health authorities.
import type { ComponentChildren } from "preact";
import { session } from "../../api/session";
import { Layout } from "../../components/Layout";
import { Tabs, type Tab } from "../../components/Tabs";
import { useSignal } from "../../components/use_signal";
import { t } from "../../i18n";

const TABS: Tab[] = [
  { href: "/area", key: "area.tab.corrections" },
  { href: "/area/identity", key: "area.tab.identity" },
  { href: "/area/cleaning", key: "area.tab.cleaning" },
  { href: "/area/quality", key: "area.tab.quality" },
  { href: "/area/facilities", key: "area.tab.facilities" },
  { href: "/area/people", key: "area.tab.people" },
  { href: "/area/allocations", key: "area.tab.allocations" },
  { href: "/area/staff", key: "area.tab.staff" },
  { href: "/ops", key: "area.tab.ops" },
];

export function AreaFrame({ title, children }: { title: string; children: ComponentChildren }) {
  const s = useSignal(session);
  const allowed = s?.role === "health_authority" || s?.role === "admin";
  return (
    <Layout title={title}>
      {allowed && <Tabs tabs={TABS} label={t("area.tabs")} />}
      <h1 tabIndex={-1}>{title}</h1>
      {allowed ? children : <p class="notice" role="status">{t("area.only")}</p>}
    </Layout>
  );
}

// The authority's province, when it is bound to one (for lists filtered by province).
export function myProvince(): string {
  const unit = session.get()?.adminUnit ?? "";
  return unit.length === 2 ? unit : "";
}
