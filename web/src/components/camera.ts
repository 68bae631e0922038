// Reading QR codes from the camera or a picture, shared by the verifier and the check-in desk.
// jsQR is most of that code, so it is fetched when the camera or a picture first needs it; the
// service worker caches its chunk with the rest of the app, so scanning works offline too.
import { useEffect, useRef, useState } from "preact/hooks";

type JsQr = typeof import("jsqr").default;

let jsQrLoading: Promise<JsQr> | null = null;

export function loadJsQr(): Promise<JsQr> {
  jsQrLoading ??= import("jsqr").then((m) => m.default);
  jsQrLoading.catch(() => {
    jsQrLoading = null;  // try again next time
  });
  return jsQrLoading;
}

// The text of the QR in `source`, or null. Large images are scaled to 1280 px first.
export function decodeImage(jsQR: JsQr, source: CanvasImageSource, width: number, height: number): string | null {
  const canvas = document.createElement("canvas");
  const scale = Math.min(1, 1280 / Math.max(width, height));
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
  return jsQR(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" })?.data ?? null;
}

// The QR in a picture file, or null.
export async function decodeFile(file: File): Promise<string | null> {
  const [decoder, bitmap] = await Promise.all([loadJsQr(), createImageBitmap(file)]);
  try {
    return decodeImage(decoder, bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

export interface QrCamera {
  videoRef: { current: HTMLVideoElement | null };
  scanning: boolean;
  failed: boolean;        // the camera could not be opened (no device, permission refused)
  start: () => Promise<void>;
  stop: () => void;
}

// The back camera, read ~8 times a second until a QR is found: then the camera stops and
// `onFound` gets the text. The camera stops when the component goes away.
export function useQrCamera(onFound: (text: string) => void): QrCamera {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const found = useRef(onFound);
  found.current = onFound;
  const [scanning, setScanning] = useState(false);
  const [failed, setFailed] = useState(false);

  function stop() {
    streamRef.current?.getTracks().forEach((tr) => tr.stop());
    streamRef.current = null;
    setScanning(false);
  }

  async function start() {
    setFailed(false);
    try {
      const decoderLoading = loadJsQr();  // fetched while the camera starts
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      streamRef.current = stream;
      const decoder = await decoderLoading;
      setScanning(true);
      const video = videoRef.current!;
      video.srcObject = stream;
      await video.play();
      const tick = () => {
        if (!streamRef.current) return;
        if (video.readyState >= 2 && video.videoWidth > 0) {
          // The first frame the camera delivers: from here on whatever it shows can be read.
          if (performance.getEntriesByName("qr-camera-first-frame").length === 0) {
            performance.mark("qr-camera-first-frame");
          }
          const text = decodeImage(decoder, video, video.videoWidth, video.videoHeight);
          if (text) {
            stop();
            found.current(text);
            return;
          }
        }
        setTimeout(tick, 120);
      };
      tick();
    } catch {
      stop();
      setFailed(true);
    }
  }

  useEffect(() => stop, []);
  return { videoRef, scanning, failed, start, stop };
}
