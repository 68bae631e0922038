import type { ComponentChildren } from "preact";

interface Props {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ComponentChildren;  // the control, with id={id}
}

// A labelled form control with an optional hint and error, wired with aria-describedby by the
// caller through describedBy(id, ...).
export function Field({ id, label, hint, error, children }: Props) {
  return (
    <div class={error ? "field field--error" : "field"}>
      <label for={id}>{label}</label>
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`}>{error}</p>}
      {children}
    </div>
  );
}

export function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}
