// The facility staff accounts of the authority's area: disable or enable, reset a password, move
// to another facility of the area, end sessions. Accounts are created by administrators.
import { useState } from "preact/hooks";
import { listAccounts } from "../../api/admin";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { AccountsTable } from "../admin/AdminAccounts";
import { AreaFrame } from "./AreaFrame";

export function AreaStaff(_: { params: Record<string, string> }) {
  const list = useAsync((signal) => listAccounts("facility_staff", signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <AreaFrame title={t("area.staffTitle")}>
      <p>{t("area.staffLead")}</p>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={list} empty={t("admin.noAccounts")} />
      {list.data && list.data.items.length > 0 && (
        <AccountsTable items={list.data.items} roles={["facility_staff"]} onDone={(msg) => { setNotice(msg); list.reload(); }} />
      )}
    </AreaFrame>
  );
}
