import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";

export interface FieldError {
  field: string;   // the id of the input it is about
  message: string;
}

// GOV.UK pattern: a summary at the top of the form, focused when it appears, linking to each
// field with a problem.
export function ErrorSummary({ errors }: { errors: FieldError[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length) ref.current?.focus();
  }, [errors]);
  if (!errors.length) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("error.summary")}</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.field + e.message}>
            {e.field ? <a href={`#${e.field}`}>{e.message}</a> : e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
