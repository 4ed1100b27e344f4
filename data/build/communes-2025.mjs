// Builds the 3,321 communes, wards and special zones in force since 2025-07-01 from npm vn-provinces-wards@1.0.2
// (MIT; names only, no polygons; its codes are the package's own, not GSO codes).
// Usage: node communes-2025.mjs <unpacked package dir> <data dir>
// Reads:  <pkg>/dist/json_data/provinces.json, wards.json; <data>/reference/admin-provinces.geojson (our 34 provinces)
//         <data>/reference/admin-communes-2025-codes.json (the code mapping, if it exists)
// Writes: <data>/reference/admin-communes-2025.json        admin_units rows (no geom: a named unit until a boundary is imported)
//         <data>/reference/admin-communes-2025-codes.json  our code <-> package code, never renumbered
//
// Our codes are "<province code>-<NNN>" (e.g. 48-007): they cannot collide with GSO codes (all digits) or the sample
// commune codes (district + 2 digits). A code, once in the mapping, keeps its number and its id on every rebuild;
// a ward new in a later package version gets the next free number of its province; one that disappears is kept in
// the mapping as retired (never reused) and left out of the rows.
import fs from 'node:fs';
import path from 'node:path';

const [pkg, data] = process.argv.slice(2);
if (!pkg || !data) { console.error('usage: node communes-2025.mjs <package dir> <data dir>'); process.exit(2); }
const read = p => JSON.parse(fs.readFileSync(p, 'utf8'));
const json = path.join(pkg, 'dist', 'json_data');
const pkgProvinces = read(path.join(json, 'provinces.json'));
const wards = read(path.join(json, 'wards.json'));
const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().trim();

// The package's 34 provinces -> ours (in force from 2025-07-01), by name; only HCMC is spelled differently.
const alias = { 'ho chi minh': 'tp. ho chi minh' };
const ours = read(path.join(data, 'reference', 'admin-provinces.geojson')).features
  .map(f => f.properties).filter(p => p.valid_from === '2025-07-01' && p.valid_to == null);
const province = {};
for (const p of pkgProvinces) {
  const name = fold(p.name);
  const match = ours.filter(o => fold(o.name) === (alias[name] ?? name));
  if (match.length !== 1) throw new Error(`package province ${p.code} ${p.name}: ${match.length} matches among ours`);
  province[p.code] = match[0].code;
}
if (new Set(Object.values(province)).size !== 34 || ours.length !== 34) throw new Error('expected 34 provinces on each side');

const mappingPath = path.join(data, 'reference', 'admin-communes-2025-codes.json');
const mapping = fs.existsSync(mappingPath) ? read(mappingPath) : [];
const byPackageCode = new Map(mapping.map(m => [m.vnpw_code, m]));
const nextNumber = {};
for (const m of mapping) nextNumber[m.province_code] = Math.max(nextNumber[m.province_code] ?? 0, Number(m.code.split('-')[1]));
let nextId = Math.max(10000, ...mapping.map(m => m.id));

const present = new Set();
for (const w of [...wards].sort((a, b) => a.province_code.localeCompare(b.province_code) || a.code.localeCompare(b.code))) {
  if (!/^\d+$/.test(w.code) || !province[w.province_code]) throw new Error(`ward ${w.code} ${w.name}: unknown province ${w.province_code}`);
  present.add(w.code);
  const existing = byPackageCode.get(w.code);
  if (existing) {
    if (existing.province_code !== province[w.province_code]) throw new Error(`ward ${w.code} moved province; map it by hand`);
    existing.name = w.name; existing.retired = undefined;
    continue;
  }
  const p = province[w.province_code];
  nextNumber[p] = (nextNumber[p] ?? 0) + 1;
  const entry = { id: ++nextId, code: `${p}-${String(nextNumber[p]).padStart(3, '0')}`, province_code: p, name: w.name,
                  vnpw_code: w.code, vnpw_province_code: w.province_code };
  mapping.push(entry); byPackageCode.set(w.code, entry);
}
for (const m of mapping) if (!present.has(m.vnpw_code)) m.retired = true;
mapping.sort((a, b) => a.id - b.id);

const rows = mapping.filter(m => !m.retired).map(m => ({
  id: m.id, code: m.code, level: 'commune', parent_code: m.province_code, name: m.name,
  valid_from: '2025-07-01', source_id: 'vn-provinces-wards-2025', is_sample: false,
}));
const lines = a => '[\n' + a.map(r => JSON.stringify(r)).join(',\n') + '\n]\n';
fs.writeFileSync(path.join(data, 'reference', 'admin-communes-2025.json'), lines(rows));
fs.writeFileSync(mappingPath, lines(mapping));
console.error(`communes-2025: ${rows.length} units in ${new Set(rows.map(r => r.parent_code)).size} provinces; mapping ${mapping.length} entries`);
