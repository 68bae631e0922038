// Citizen sign-in with a one-time code: CCCD -> code sent by SMS -> code. Staff sign in with a
// username and password on the same page (second section).
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { homeFor, session } from "../api/session";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field, describedBy } from "../components/Field";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { toFieldError } from "../components/errors";
import { t } from "../i18n";
import { navigate } from "../router";

interface LoginAnswer {
  token: string;
  expires_at: number;
  user: { username: string; role: string; display_name: string; facility_code?: string; admin_unit_code?: string };
}

export function startSession(a: LoginAnswer): void {
  session.set({
    token: a.token,
    expiresAt: a.expires_at,
    role: a.user.role,
    displayName: a.user.display_name,
    username: a.user.username,
    facilityCode: a.user.facility_code,
    adminUnit: a.user.admin_unit_code,
  });
}

export function Login({ params }: { params: Record<string, string> }) {
  const [step, setStep] = useState<"cccd" | "code">(params.step === "code" ? "code" : "cccd");
  const [cccd, setCccd] = useState(params.cccd ?? "");
  const [code, setCode] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const next = params.next && params.next.startsWith("/") && !params.next.startsWith("//") ? params.next : "";
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  async function requestCode(e: Event) {
    e.preventDefault();
    const digits = cccd.replace(/\s+/g, "");
    if (!/^\d{12}$/.test(digits)) {
      setErrors([{ field: "cccd", message: t("login.cccdInvalid") }]);
      return;
    }
    setBusy(true);
    try {
      await api("/api/v1/auth/otp", { body: { cccd: digits }, anonymous: true });
      setCccd(digits);
      setErrors([]);
      setStep("code");
    } catch (err) {
      setErrors([toFieldError(err, { cccd: "cccd" })]);
    } finally {
      setBusy(false);
    }
  }

  async function signIn(e: Event) {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setErrors([{ field: "code", message: t("login.codeInvalid") }]);
      return;
    }
    setBusy(true);
    try {
      const a = await api<LoginAnswer>("/api/v1/auth/login", { body: { cccd, code: code.trim() }, anonymous: true });
      startSession(a);
      navigate(next || homeFor(session.get()), true);
    } catch (err) {
      setErrors([toFieldError(err, { code: "code", cccd: "code" })]);
    } finally {
      setBusy(false);
    }
  }

  async function staffSignIn(e: Event) {
    e.preventDefault();
    if (!username.trim() || !password) {
      setErrors([{ field: !username.trim() ? "username" : "password", message: t("login.staffMissing") }]);
      return;
    }
    setBusy(true);
    try {
      const a = await api<LoginAnswer>("/api/v1/auth/login", { body: { username: username.trim(), password }, anonymous: true });
      startSession(a);
      navigate(next || homeFor(session.get()), true);
    } catch (err) {
      setErrors([{ ...toFieldError(err), field: "password" }]);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  return (
    <Layout title={t("login.title")}>
      <ErrorSummary errors={errors} />
      <h1 tabIndex={-1}>{t("login.title")}</h1>
      {step === "cccd" ? (
        <form onSubmit={requestCode} noValidate>
          <Field id="cccd" label={t("login.cccd")} hint={t("login.cccdHint")} error={err("cccd")}>
            <input
              id="cccd"
              name="cccd"
              class="input input--20"
              inputMode="numeric"
              autoComplete="username"
              value={cccd}
              aria-describedby={describedBy("cccd", "h", err("cccd"))}
              aria-invalid={err("cccd") ? true : undefined}
              onInput={(e) => setCccd((e.target as HTMLInputElement).value)}
            />
          </Field>
          <button class="button" type="submit" disabled={busy}>{t("login.sendCode")}</button>
          <p>
            {t("login.noAccount")} <Link href="/signup">{t("login.signup")}</Link>
          </p>
        </form>
      ) : (
        <form onSubmit={signIn} noValidate>
          <p class="notice" role="status">{t("login.codeSent")}</p>
          <Field id="code" label={t("login.code")} hint={t("login.codeHint")} error={err("code")}>
            <input
              id="code"
              name="code"
              class="input input--10"
              inputMode="numeric"
              autoComplete="one-time-code"
              value={code}
              aria-describedby={describedBy("code", "h", err("code"))}
              aria-invalid={err("code") ? true : undefined}
              onInput={(e) => setCode((e.target as HTMLInputElement).value)}
            />
          </Field>
          <button class="button" type="submit" disabled={busy}>{t("login.signIn")}</button>
          <p>
            <button type="button" class="link-button" onClick={() => { setStep("cccd"); setCode(""); setErrors([]); }}>
              {t("login.again")}
            </button>
          </p>
        </form>
      )}
      {step === "cccd" && (
        <details class="staff-login">
          <summary>{t("login.staffTitle")}</summary>
          <form onSubmit={staffSignIn} noValidate>
            <Field id="username" label={t("login.username")} error={err("username")}>
              <input id="username" name="username" class="input input--20" autoComplete="username" value={username}
                aria-invalid={err("username") ? true : undefined} aria-describedby={describedBy("username", undefined, err("username"))}
                onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
            </Field>
            <Field id="password" label={t("login.password")} error={err("password")}>
              <input id="password" name="password" type="password" class="input input--20" autoComplete="current-password" value={password}
                aria-invalid={err("password") ? true : undefined} aria-describedby={describedBy("password", undefined, err("password"))}
                onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
            </Field>
            <button class="button" type="submit" disabled={busy}>{t("login.signIn")}</button>
          </form>
        </details>
      )}
    </Layout>
  );
}
