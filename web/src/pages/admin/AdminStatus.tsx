// The server as configured, read-only: version, database, the signing key's validity, accounts
// per role, and the effective configuration (secrets left out). Changes are made in the config
// file or environment and with `vaxreg keys`, never here.
import { adminStatus } from "../../api/admin";
import { ErrorNotice, Loading } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { formatDate, formatNumber } from "../../format";
import { hasMessage, t } from "../../i18n";
import { AdminFrame } from "./AdminFrame";

export function AdminStatus(_: { params: Record<string, string> }) {
  const st = useAsync((signal) => adminStatus(signal), []);
  const s = st.data;
  return (
    <AdminFrame title={t("admin.statusTitle")}>
      {st.loading && !s && <Loading />}
      {st.error !== undefined && <ErrorNotice error={st.error} retry={st.reload} />}
      {s && (
        <>
          <dl class="summary-list">
            <div><dt>{t("admin.version")}</dt><dd class="mono">{s.version}</dd></div>
            <div><dt>{t("admin.database")}</dt><dd>{s.database}</dd></div>
            <div><dt>{t("admin.signingKey")}</dt><dd>{s.signer ? t("admin.signerLine", { kid: s.signer.kid, date: s.signer.not_after ? formatDate(s.signer.not_after) : "—", days: formatNumber(s.signer.days_left) }) + (s.signer.rotation_due ? ` — ${t("sign.rotationDue")}` : "") : t("sign.noKeys")}</dd></div>
          </dl>
          <h2>{t("admin.accountsByRole")}</h2>
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{t("admin.accountsByRole")}</caption>
              <thead><tr><th scope="col">{t("admin.role")}</th><th scope="col">{t("admin.tab.accounts")}</th><th scope="col">{t("admin.stateDisabled")}</th></tr></thead>
              <tbody>{Object.entries(s.accounts).map(([role, n]) => (
                <tr key={role}><th scope="row">{hasMessage(`admin.role.${role}`) ? t(`admin.role.${role}` as never) : role}</th><td>{formatNumber(n.accounts)}</td><td>{formatNumber(n.disabled)}</td></tr>
              ))}</tbody>
            </table>
          </div>
          <h2>{t("admin.configuration")}</h2>
          <p class="hint">{t("admin.configurationHint")}</p>
          <pre class="config" tabIndex={0} aria-label={t("admin.configuration")}>{s.configuration}</pre>
        </>
      )}
    </AdminFrame>
  );
}
