// Test media made here, from nothing downloaded: a PNG of any size (for photo uploads) and a
// Y4M video of a QR code (for chromium's fake camera).
import fs from "node:fs";
import { deflateSync } from "node:zlib";
import { encode } from "uqr";

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// An RGB PNG of width x height whose pixel (x, y) is pixel(x, y) -> [r, g, b].
export function png(width, height, pixel) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

// A picture that looks like a paper card: light background, dark "text" lines.
export function cardPhoto(file) {
  fs.writeFileSync(file, png(640, 400, (x, y) => ((y % 40 < 6 && x > 40 && x < 600) ? [40, 40, 60] : [245, 240, 225])));
}

// The QR of `text` as a boolean matrix function with a quiet zone: dark(x, y) in module units.
function qrMatrix(text) {
  const { data, size } = encode(text, { ecc: "L", border: 4 });
  return { size, dark: (x, y) => data[y]?.[x] === true };
}

export function qrPng(file, text, scale = 6) {
  const q = qrMatrix(text);
  const n = q.size * scale;
  fs.writeFileSync(file, png(n, n, (x, y) => (q.dark(Math.floor(x / scale), Math.floor(y / scale)) ? [0, 0, 0] : [255, 255, 255])));
}

// A 640x480 Y4M (I420) video whose every frame shows the QR of `text` centred on white.
export function qrVideo(file, text, frames = 10) {
  const W = 640, H = 480;
  const q = qrMatrix(text);
  const scale = Math.floor(440 / q.size);
  const side = q.size * scale;
  const ox = Math.floor((W - side) / 2), oy = Math.floor((H - side) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      if (q.dark(Math.floor(px / scale), Math.floor(py / scale))) y[(oy + py) * W + ox + px] = 16;
    }
  }
  const uv = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, uv, uv]);
  const parts = [Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(frame);
  fs.writeFileSync(file, Buffer.concat(parts));
}
