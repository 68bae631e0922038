import { renderSVG } from "uqr";

// A QR code drawn in the browser (for a booking's check-in code, which is not secret and not
// signed). The SVG string comes from uqr and contains no script.
export function QrCode({ text, label }: { text: string; label: string }) {
  const svg = renderSVG(text, { ecc: "M", border: 2 });
  return <div class="qr-inline" role="img" aria-label={label} dangerouslySetInnerHTML={{ __html: svg }} />;
}
