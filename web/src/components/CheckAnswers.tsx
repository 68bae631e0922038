import { t } from "../i18n";

interface Props {
  rows: [label: string, value: string][];
  submitLabel: string;
  busy: boolean;
  onSubmit: () => void;
  onChange: () => void;
}

// GOV.UK "check your answers": what will be sent, then send or go back and change it.
export function CheckAnswers({ rows, submitLabel, busy, onSubmit, onChange }: Props) {
  return (
    <div>
      <h2>{t("common.checkAnswers")}</h2>
      <dl class="summary-list">
        {rows.map(([label, value]) => <div key={label}><dt>{label}</dt><dd>{value}</dd></div>)}
      </dl>
      <div class="button-group">
        <button class="button" type="button" disabled={busy} onClick={onSubmit}>{submitLabel}</button>
        <button class="button button--secondary" type="button" onClick={onChange}>{t("common.change")}</button>
      </div>
    </div>
  );
}
