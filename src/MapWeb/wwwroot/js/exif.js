// Reads the time taken and the GPS position from a JPEG's EXIF (APP1) segment, in the browser, to pre-fill a quick report.
// Returns { takenAt: 'YYYY-MM-DD', lat, lon } with whatever the photo carries (all optional). The server strips EXIF from what it serves.

export async function readExif(file) {
  const view = new DataView(await file.slice(0, 256 * 1024).arrayBuffer());
  if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) return {};
  let offset = 2;
  while (offset + 4 <= view.byteLength) {
    const marker = view.getUint16(offset);
    const length = view.getUint16(offset + 2);
    if (marker === 0xFFE1 && offset + 10 <= view.byteLength && view.getUint32(offset + 4) === 0x45786966) return parseTiff(view, offset + 10);
    if ((marker & 0xFF00) !== 0xFF00 || marker === 0xFFDA) break;
    offset += 2 + length;
  }
  return {};
}

function parseTiff(view, start) {
  try {
    const little = view.getUint16(start) === 0x4949;
    const u16 = (o) => view.getUint16(start + o, little);
    const u32 = (o) => view.getUint32(start + o, little);
    const entries = (ifd) => {
      const list = new Map();
      const n = u16(ifd);
      for (let i = 0; i < n; i++) {
        const e = ifd + 2 + i * 12;
        list.set(u16(e), { type: u16(e + 2), count: u32(e + 4), at: e + 8 });
      }
      return list;
    };
    const ascii = (entry) => {
      const at = entry.count > 4 ? u32(entry.at) : entry.at;
      let s = '';
      for (let i = 0; i < entry.count - 1; i++) s += String.fromCharCode(view.getUint8(start + at + i));
      return s;
    };
    const rationals = (entry) => {
      const at = u32(entry.at);
      return [0, 1, 2].map((i) => u32(at + i * 8) / (u32(at + i * 8 + 4) || 1));
    };
    const result = {};
    const ifd0 = entries(u32(4));
    const exifPtr = ifd0.get(0x8769);
    if (exifPtr) {
      const sub = entries(u32(exifPtr.at));
      const original = sub.get(0x9003);
      const m = original && /^(\d{4}):(\d{2}):(\d{2})/.exec(ascii(original));
      if (m) result.takenAt = `${m[1]}-${m[2]}-${m[3]}`;
    }
    const gpsPtr = ifd0.get(0x8825);
    if (gpsPtr) {
      const gps = entries(u32(gpsPtr.at));
      if (gps.get(2) && gps.get(4)) {
        const [ld, lm, ls] = rationals(gps.get(2));
        const [od, om, os] = rationals(gps.get(4));
        let lat = ld + lm / 60 + ls / 3600;
        let lon = od + om / 60 + os / 3600;
        if (gps.get(1) && ascii(gps.get(1)) === 'S') lat = -lat;
        if (gps.get(3) && ascii(gps.get(3)) === 'W') lon = -lon;
        if (Number.isFinite(lat) && Number.isFinite(lon) && (lat !== 0 || lon !== 0)) Object.assign(result, { lat, lon });
      }
    }
    return result;
  } catch {
    return {};
  }
}
