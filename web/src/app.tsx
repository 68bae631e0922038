// The portal's pages by path. Pages are small components in pages/; the verifier's QR decoder and
// crypto (components/camera.ts, verify/) are fetched by the pages that use them, so pages stay light.
import type { FunctionComponent } from "preact";
import { useSignal } from "./components/use_signal";
import { lang } from "./i18n";
import { location, match } from "./router";
import { session } from "./api/session";
import { Home } from "./pages/Home";
import { Stats } from "./pages/Stats";
import { Facilities } from "./pages/Facilities";
import { Login } from "./pages/Login";
import { Signup } from "./pages/Signup";
import { MyRecord } from "./pages/MyRecord";
import { MyCertificate } from "./pages/MyCertificate";
import { Bookings } from "./pages/Bookings";
import { Declare } from "./pages/Declare";
import { CorrectionList } from "./pages/CorrectionList";
import { CorrectionNew } from "./pages/CorrectionNew";
import { CorrectionDetail } from "./pages/CorrectionDetail";
import { NotFound } from "./pages/NotFound";
import { WorkToday } from "./pages/work/WorkToday";
import { WorkCheckIn } from "./pages/work/WorkCheckIn";
import { WorkDoses } from "./pages/work/WorkDoses";
import { WorkUpload } from "./pages/work/WorkUpload";
import { WorkCorrections } from "./pages/work/WorkCorrections";
import { AdminAccounts } from "./pages/admin/AdminAccounts";
import { AdminAudit } from "./pages/admin/AdminAudit";
import { SignDesk } from "./pages/sign/SignDesk";
import { AreaCorrections } from "./pages/area/AreaCorrections";
import { AreaCorrection } from "./pages/area/AreaCorrection";
import { AreaIdentity } from "./pages/area/AreaIdentity";
import { AreaCleaning } from "./pages/area/AreaCleaning";
import { AreaFacilities } from "./pages/area/AreaFacilities";
import { AreaPeople } from "./pages/area/AreaPeople";
import { Operations } from "./pages/area/Operations";
import { AreaQuality } from "./pages/area/AreaQuality";
import { AreaAllocations } from "./pages/area/AreaAllocations";
import { AreaStaff } from "./pages/area/AreaStaff";
import { AdminStatus } from "./pages/admin/AdminStatus";
import { Verify } from "./pages/Verify";

type Page = FunctionComponent<{ params: Record<string, string> }>;

const ROUTES: { path: string; page: Page; signedIn?: boolean }[] = [
  { path: "/", page: Home },
  { path: "/stats", page: Stats },
  { path: "/facilities", page: Facilities },
  { path: "/verify", page: Verify },
  { path: "/login", page: Login },
  { path: "/signup", page: Signup },
  { path: "/me", page: MyRecord, signedIn: true },
  { path: "/me/certificate", page: MyCertificate, signedIn: true },
  { path: "/me/bookings", page: Bookings, signedIn: true },
  { path: "/me/declare", page: Declare, signedIn: true },
  { path: "/me/corrections", page: CorrectionList, signedIn: true },
  { path: "/me/corrections/new", page: CorrectionNew, signedIn: true },
  { path: "/me/corrections/:tracking", page: CorrectionDetail, signedIn: true },
  { path: "/work", page: WorkToday, signedIn: true },
  { path: "/work/checkin", page: WorkCheckIn, signedIn: true },
  { path: "/work/doses", page: WorkDoses, signedIn: true },
  { path: "/work/upload", page: WorkUpload, signedIn: true },
  { path: "/work/corrections", page: WorkCorrections, signedIn: true },
  { path: "/admin", page: AdminAccounts, signedIn: true },
  { path: "/admin/audit", page: AdminAudit, signedIn: true },
  { path: "/admin/status", page: AdminStatus, signedIn: true },
  { path: "/sign", page: SignDesk, signedIn: true },
  { path: "/area", page: AreaCorrections, signedIn: true },
  { path: "/area/corrections/:id", page: AreaCorrection, signedIn: true },
  { path: "/area/identity", page: AreaIdentity, signedIn: true },
  { path: "/area/cleaning", page: AreaCleaning, signedIn: true },
  { path: "/area/facilities", page: AreaFacilities, signedIn: true },
  { path: "/area/people", page: AreaPeople, signedIn: true },
  { path: "/area/quality", page: AreaQuality, signedIn: true },
  { path: "/area/allocations", page: AreaAllocations, signedIn: true },
  { path: "/area/staff", page: AreaStaff, signedIn: true },
  { path: "/ops", page: Operations, signedIn: true },
];

export function App() {
  useSignal(lang);  // every page re-renders in the new language
  const loc = useSignal(location);
  const s = useSignal(session);
  for (const r of ROUTES) {
    const params = match(r.path, loc.path);
    if (!params) continue;
    if (r.signedIn && !s) return <Login params={{ next: loc.path }} />;
    const P = r.page;
    return <P params={params} />;
  }
  return <NotFound params={{}} />;
}
