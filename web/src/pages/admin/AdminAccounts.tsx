// Accounts: list by role, create, and per account disable or enable, reset the password, change
// the role or binding, end every session. Every change is audited by the server.
import { useState } from "preact/hooks";
import { changeRole, createAccount, endSessions, listAccounts, resetPassword, setDisabled, type Account } from "../../api/admin";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { Field } from "../../components/Field";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAction } from "../../components/use_action";
import { useAsync } from "../../components/use_async";
import { toFieldError } from "../../components/errors";
import { hasMessage, t } from "../../i18n";
import { AdminFrame } from "./AdminFrame";

const ROLES = ["facility_staff", "health_authority", "signer", "admin", "citizen"];

function roleName(role: string): string {
  const key = `admin.role.${role}`;
  return hasMessage(key) ? t(key) : role;
}

function RoleSelect({ id, value, onChange, withAll, roles = ROLES }: { id: string; value: string; onChange: (v: string) => void; withAll?: boolean; roles?: string[] }) {
  return (
    <select id={id} class="input" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
      {withAll && <option value="">{t("common.all")}</option>}
      {roles.filter((r) => withAll || r !== "citizen").map((r) => <option key={r} value={r}>{roleName(r)}</option>)}
    </select>
  );
}

// The binding a role needs: a facility for staff, an administrative unit for an authority.
function Binding({ prefix, role, facility, unit, setFacility, setUnit }: {
  prefix: string; role: string; facility: string; unit: string; setFacility: (v: string) => void; setUnit: (v: string) => void;
}) {
  if (role === "facility_staff") {
    return (
      <Field id={`${prefix}-facility`} label={t("admin.facility")}>
        <input id={`${prefix}-facility`} class="input input--20" value={facility} onInput={(e) => setFacility((e.target as HTMLInputElement).value)} />
      </Field>
    );
  }
  if (role === "health_authority") {
    return (
      <Field id={`${prefix}-unit`} label={t("admin.unit")} hint={t("admin.unitHint")}>
        <input id={`${prefix}-unit`} class="input input--10" value={unit} aria-describedby={`${prefix}-unit-hint`} onInput={(e) => setUnit((e.target as HTMLInputElement).value)} />
      </Field>
    );
  }
  return null;
}

function binding(role: string, facility: string, unit: string) {
  if (role === "facility_staff") return { facility_code: facility.trim() };
  if (role === "health_authority") return { admin_unit_code: unit.trim() };
  return {};
}

// What may be done to one account; `roles` are the roles it may be moved to (an authority moves
// staff between facilities of its area only).
export function Manage({ a, onDone, roles = ROLES }: { a: Account; onDone: (msg: string) => void; roles?: string[] }) {
  const [reason, setReason] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState(a.role === "citizen" ? "facility_staff" : a.role);
  const [facility, setFacility] = useState(a.facility_code ?? "");
  const [unit, setUnit] = useState(a.admin_unit_code ?? "");
  const { error, run } = useAction(onDone);
  const p = `acct-${a.id}`;
  return (
    <div class="panel">
      {error !== undefined && <ErrorNotice error={error} />}
      {a.disabled ? (
        <button type="button" class="button" onClick={() => run(() => setDisabled(a.id, false, ""), t("admin.enabled", { user: a.username }))}>{t("admin.enable")}</button>
      ) : (
        <form onSubmit={(e) => { e.preventDefault(); run(() => setDisabled(a.id, true, reason.trim()), t("admin.disabled", { user: a.username })); }}>
          <Field id={`${p}-reason`} label={t("admin.disableReason")}>
            <input id={`${p}-reason`} class="input" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
          </Field>
          <button type="submit" class="button button--warning">{t("admin.disable")}</button>
        </form>
      )}
      {a.role !== "citizen" && (
        <form onSubmit={(e) => { e.preventDefault(); run(() => resetPassword(a.id, password), t("admin.passwordSet", { user: a.username })); }}>
          <Field id={`${p}-password`} label={t("admin.newPassword")} hint={t("admin.passwordHint")}>
            <input id={`${p}-password`} type="password" autoComplete="new-password" class="input input--20" value={password} aria-describedby={`${p}-password-hint`} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </Field>
          <button type="submit" class="button button--secondary" disabled={password.length === 0}>{t("admin.resetPassword")}</button>
        </form>
      )}
      {a.role !== "citizen" && (
        <form onSubmit={(e) => { e.preventDefault(); run(() => changeRole(a.id, role, binding(role, facility, unit)), t("admin.roleChanged", { user: a.username })); }}>
          <Field id={`${p}-role`} label={t("admin.role")}>
            <RoleSelect id={`${p}-role`} value={role} onChange={setRole} roles={roles} />
          </Field>
          <Binding prefix={p} role={role} facility={facility} unit={unit} setFacility={setFacility} setUnit={setUnit} />
          <button type="submit" class="button button--secondary">{t("admin.changeRole")}</button>
        </form>
      )}
      <p><button type="button" class="button button--secondary" onClick={() => run(() => endSessions(a.id), t("admin.sessionsEnded", { user: a.username }))}>{t("admin.endSessions")}</button></p>
    </div>
  );
}

function CreateForm({ onDone }: { onDone: (msg: string) => void }) {
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("facility_staff");
  const [password, setPassword] = useState("");
  const [facility, setFacility] = useState("");
  const [unit, setUnit] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  async function submit(e: Event) {
    e.preventDefault();
    try {
      await createAccount({ username: username.trim(), role, password, display_name: name.trim(), ...binding(role, facility, unit) });
      setErrors([]);
      setUsername(""); setName(""); setPassword("");
      onDone(t("admin.created", { user: username.trim() }));
    } catch (err) {
      setErrors([toFieldError(err, { username: "new-username", password: "new-password", display_name: "new-name", facility_code: "new-facility", admin_unit_code: "new-unit", role: "new-role" })]);
    }
  }
  const err = (f: string) => errors.find((x) => x.field === f)?.message;
  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} />
      <Field id="new-username" label={t("admin.username")} error={err("new-username")}>
        <input id="new-username" class="input input--20" autoComplete="off" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} />
      </Field>
      <Field id="new-name" label={t("admin.displayName")} error={err("new-name")}>
        <input id="new-name" class="input" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </Field>
      <Field id="new-role" label={t("admin.role")} error={err("new-role")}>
        <RoleSelect id="new-role" value={role} onChange={setRole} />
      </Field>
      <Binding prefix="new" role={role} facility={facility} unit={unit} setFacility={setFacility} setUnit={setUnit} />
      <Field id="new-password" label={t("admin.password")} hint={t("admin.passwordHint")} error={err("new-password")}>
        <input id="new-password" type="password" autoComplete="new-password" class="input input--20" value={password} aria-describedby="new-password-hint" onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
      </Field>
      <button type="submit" class="button">{t("admin.create")}</button>
    </form>
  );
}

// Accounts in a table, each with its Manage panel behind a button.
export function AccountsTable({ items, roles, onDone }: { items: Account[]; roles?: string[]; onDone: (msg: string) => void }) {
  const [open, setOpen] = useState<number | null>(null);
  return (
    <div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">{t("admin.accountsTitle")}</caption>
        <thead><tr><th scope="col">{t("admin.username")}</th><th scope="col">{t("admin.role")}</th><th scope="col">{t("admin.binding")}</th><th scope="col">{t("admin.state")}</th><th scope="col"><span class="visually-hidden">{t("work.action")}</span></th></tr></thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id} class={a.disabled ? "row--muted" : undefined}>
              <th scope="row">{a.username}{a.display_name ? <span class="hint"> — {a.display_name}</span> : null}</th>
              <td>{roleName(a.role)}</td>
              <td class="mono">{a.facility_code ?? a.admin_unit_code ?? "—"}</td>
              <td>{a.disabled ? t("admin.stateDisabled") : t("admin.stateActive")}</td>
              <td>
                <button type="button" class="button button--secondary" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                  {t("admin.manage")}<span class="visually-hidden"> {a.username}</span>
                </button>
                {open === a.id && <Manage a={a} roles={roles} onDone={(msg) => { setOpen(null); onDone(msg); }} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AdminAccounts(_: { params: Record<string, string> }) {
  const [role, setRole] = useState("");
  const list = useAsync((signal) => listAccounts(role, signal), [role]);
  const [notice, setNotice] = useState<string | null>(null);
  const done = (msg: string) => { setNotice(msg); list.reload(); };
  return (
    <AdminFrame title={t("admin.accountsTitle")}>
      {notice && <p class="notice" role="status">{notice}</p>}
      <details class="panel">
        <summary>{t("admin.createTitle")}</summary>
        <CreateForm onDone={done} />
      </details>
      <div class="filters">
        <Field id="role-filter" label={t("admin.filterRole")}>
          <RoleSelect id="role-filter" value={role} onChange={setRole} withAll />
        </Field>
      </div>
      <ListState state={list} empty={t("admin.noAccounts")} />
      {list.data && list.data.items.length > 0 && <AccountsTable items={list.data.items} onDone={done} />}
    </AdminFrame>
  );
}
