// Photos of a paper vaccination card: from the phone's camera or from files, 1-3 of them. Each is
// uploaded at once (POST /api/v1/photos, the raw image) and shown as a preview; the form sends
// the ids the server answered. The server re-encodes and strips metadata (docs/corrections.md).
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { t } from "../i18n";
import { errorMessage } from "./errors";

export interface UploadedPhoto {
  id: string;
  preview: string;  // blob: URL of the local file
  name: string;
}

interface Props {
  id: string;
  photos: UploadedPhoto[];
  onChange: (photos: UploadedPhoto[]) => void;
  max?: number;
  error?: string;
}

const MAX_BYTES = 10 * 1024 * 1024;
const TYPES = ["image/jpeg", "image/png", "image/webp"];

export function PhotoPicker({ id, photos, onChange, max = 3, error }: Props) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.preview)), []);  // eslint-disable-line

  async function add(files: FileList | null) {
    if (!files) return;
    setProblem(null);
    const next = [...photos];
    setBusy(true);
    for (const file of Array.from(files)) {
      if (next.length >= max) { setProblem(t("photo.tooMany", { max })); break; }
      if (!TYPES.includes(file.type)) { setProblem(t("photo.badType", { name: file.name })); continue; }
      if (file.size > MAX_BYTES) { setProblem(t("photo.tooBig", { name: file.name })); continue; }
      try {
        const answer = await api<{ photo: string }>("/api/v1/photos", { rawBody: file, contentType: file.type });
        next.push({ id: answer.photo, preview: URL.createObjectURL(file), name: file.name });
        onChange([...next]);
      } catch (e) {
        setProblem(`${file.name}: ${errorMessage(e)}`);
      }
    }
    setBusy(false);
  }

  function remove(i: number) {
    URL.revokeObjectURL(photos[i].preview);
    onChange(photos.filter((_, j) => j !== i));
  }

  const full = photos.length >= max;
  return (
    <fieldset class={error ? "fieldset field--error" : "fieldset"} aria-describedby={`${id}-hint`}>
      <legend>{t("photo.legend")}</legend>
      <p class="hint" id={`${id}-hint`}>{t("photo.hint", { max })}</p>
      {error && <p class="field-error">{error}</p>}
      {problem && <p class="field-error" role="alert">{problem}</p>}
      <div class="button-group">
        <label class={`button button--secondary${full || busy ? " button--disabled" : ""}`}>
          {t("photo.camera")}
          <input id={id} type="file" accept="image/jpeg,image/png,image/webp" capture="environment" class="visually-hidden"
            disabled={full || busy} onChange={(e) => { const el = e.target as HTMLInputElement; add(el.files).then(() => { el.value = ""; }); }} />
        </label>
        <label class={`button button--secondary${full || busy ? " button--disabled" : ""}`}>
          {t("photo.files")}
          <input type="file" accept="image/jpeg,image/png,image/webp" multiple class="visually-hidden" data-testid="photo-files"
            disabled={full || busy} onChange={(e) => { const el = e.target as HTMLInputElement; add(el.files).then(() => { el.value = ""; }); }} />
        </label>
      </div>
      {busy && <p role="status">{t("photo.uploading")}</p>}
      {photos.length > 0 && (
        <ul class="photo-list">
          {photos.map((p, i) => (
            <li key={p.id}>
              <img src={p.preview} alt={t("photo.previewAlt", { n: i + 1 })} width={96} height={96} />
              <button type="button" class="link-button" onClick={() => remove(i)}>
                {t("photo.remove", { n: i + 1 })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
