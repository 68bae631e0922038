// A citizen creates an account: CCCD, birth date (dd/mm/yyyy) and mobile phone; "check your
// answers"; then the code sent to that phone signs them in (Login, step "code").
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field, describedBy } from "../components/Field";
import { CheckAnswers } from "../components/CheckAnswers";
import { Layout } from "../components/Layout";
import { toFieldError } from "../components/errors";
import { parseDate } from "../format";
import { t } from "../i18n";
import { Login } from "./Login";

export function Signup(_: { params: Record<string, string> }) {
  const [form, setForm] = useState({ cccd: "", birth: "", phone: "" });
  const [step, setStep] = useState<"form" | "check" | "sent">("form");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  function validate(): FieldError[] {
    const out: FieldError[] = [];
    if (!/^\d{12}$/.test(form.cccd.replace(/\s+/g, ""))) out.push({ field: "cccd", message: t("login.cccdInvalid") });
    if (!parseDate(form.birth)) out.push({ field: "birth", message: t("signup.birthInvalid") });
    if (!/^(\+?84|0)\d{9}$/.test(form.phone.replace(/[\s.-]+/g, ""))) out.push({ field: "phone", message: t("signup.phoneInvalid") });
    return out;
  }

  async function submit() {
    setBusy(true);
    try {
      await api("/api/v1/auth/signup", {
        anonymous: true,
        body: {
          cccd: form.cccd.replace(/\s+/g, ""),
          birth_date: parseDate(form.birth),
          phone: form.phone.replace(/[\s.-]+/g, ""),
        },
      });
      setStep("sent");
    } catch (err) {
      setErrors([toFieldError(err, { cccd: "cccd", birth_date: "birth", phone: "phone" })]);
      setStep("form");
    } finally {
      setBusy(false);
    }
  }

  if (step === "sent") return <Login params={{ step: "code", cccd: form.cccd.replace(/\s+/g, "") }} />;
  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  const input = (id: "cccd" | "birth" | "phone", extra: Record<string, string>) => (
    <input
      id={id}
      name={id}
      class="input input--20"
      value={form[id]}
      aria-describedby={describedBy(id, "h", err(id))}
      aria-invalid={err(id) ? true : undefined}
      onInput={(e) => setForm({ ...form, [id]: (e.target as HTMLInputElement).value })}
      {...extra}
    />
  );
  return (
    <Layout title={t("signup.title")}>
      <ErrorSummary errors={errors} />
      <h1 tabIndex={-1}>{t("signup.title")}</h1>
      {step === "form" ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const v = validate();
            setErrors(v);
            if (!v.length) setStep("check");
          }}
        >
          <p>{t("signup.intro")}</p>
          <Field id="cccd" label={t("login.cccd")} hint={t("login.cccdHint")} error={err("cccd")}>
            {input("cccd", { inputMode: "numeric", autoComplete: "username" })}
          </Field>
          <Field id="birth" label={t("signup.birth")} hint={t("signup.birthHint")} error={err("birth")}>
            {input("birth", { inputMode: "numeric", autoComplete: "bday" })}
          </Field>
          <Field id="phone" label={t("signup.phone")} hint={t("signup.phoneHint")} error={err("phone")}>
            {input("phone", { inputMode: "tel", autoComplete: "tel", type: "tel" })}
          </Field>
          <button class="button" type="submit">{t("common.continue")}</button>
        </form>
      ) : (
        <CheckAnswers
          rows={[[t("login.cccd"), form.cccd], [t("signup.birth"), form.birth], [t("signup.phone"), form.phone]]}
          submitLabel={t("signup.submit")} busy={busy} onSubmit={submit} onChange={() => setStep("form")} />
      )}
    </Layout>
  );
}
