import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { t } from "../i18n";

export function NotFound(_: { params: Record<string, string> }) {
  return (
    <Layout title={t("notFound.title")}>
      <h1 tabIndex={-1}>{t("notFound.title")}</h1>
      <p>{t("notFound.body")}</p>
      <p><Link href="/">{t("notFound.home")}</Link></p>
    </Layout>
  );
}
