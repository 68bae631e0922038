import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { t } from "../i18n";
import { session } from "../api/session";
import { useSignal } from "../components/use_signal";

export function Home(_: { params: Record<string, string> }) {
  const s = useSignal(session);
  return (
    <Layout title={t("home.title")}>
      <h1 tabIndex={-1}>{t("home.title")}</h1>
      <p class="lead">{t("home.lead")}</p>
      <ul class="cards">
        <li class="card">
          <h2><Link href={s ? "/me" : "/login"}>{t("home.me.title")}</Link></h2>
          <p>{t("home.me.body")}</p>
        </li>
        <li class="card">
          <h2><Link href="/verify">{t("home.verify.title")}</Link></h2>
          <p>{t("home.verify.body")}</p>
        </li>
        <li class="card">
          <h2><Link href="/facilities">{t("home.facilities.title")}</Link></h2>
          <p>{t("home.facilities.body")}</p>
        </li>
        <li class="card">
          <h2><Link href="/stats">{t("home.stats.title")}</Link></h2>
          <p>{t("home.stats.body")}</p>
        </li>
      </ul>
      {!s && (
        <p>
          {t("home.noAccount")} <Link href="/signup">{t("home.signup")}</Link>
        </p>
      )}
    </Layout>
  );
}
