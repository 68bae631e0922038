import { t } from "../i18n";
import { errorMessage } from "./errors";

export function Loading() {
  return <p class="loading" role="status">{t("common.loading")}</p>;
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div class="notice notice--error" role="alert">
      <p>{errorMessage(error)}</p>
      {retry && <button type="button" class="button button--secondary" onClick={retry}>{t("common.retry")}</button>}
    </div>
  );
}
