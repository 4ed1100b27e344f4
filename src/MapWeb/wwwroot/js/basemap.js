// The offline basemap: land, country borders and province outlines from /basemap/*.geojson (served
// from data/basemap by the API). Nothing comes from the internet unless ?tiles= names a tile server,
// and even then only once a probe tile has loaded.
/* global L */

const VIETNAM_IDS = new Set(['VN', 'VNM', '704', 'Vietnam', 'Viet Nam', 'Việt Nam']);

function isVietnam(feature) {
  const p = feature.properties ?? {};
  return [feature.id, p.iso, p.iso_a2, p.ISO_A2, p.iso_a3, p.ISO_A3, p.adm0_a3, p.id, p.code, p.name, p.NAME, p.name_en]
    .some(v => v !== undefined && VIETNAM_IDS.has(String(v)));
}

async function geojson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

export async function setupBasemap(map, { attribution }) {
  map.attributionControl.addAttribution(attribution);
  try {
    const countries = await geojson('/basemap/countries.geojson');
    L.geoJSON(countries, {
      pane: 'basemap', interactive: false,
      style: f => isVietnam(f)
        ? { color: '#6d6d6d', weight: 1.2, fillColor: '#fbf9f3', fillOpacity: 1 }
        : { color: '#8c8c8c', weight: 1, fillColor: '#e9e6df', fillOpacity: 1 },
    }).addTo(map);
  } catch { /* no basemap file: the sea-coloured background and the admin layer still orient the user */ }
  try {
    const provinces = await geojson('/basemap/provinces.geojson');
    L.geoJSON(provinces, { pane: 'basemap', interactive: false, style: { color: '#b9b4a8', weight: 0.7, fill: false } }).addTo(map);
  } catch { /* optional */ }
  addConfiguredTiles(map);
}

/** ?tiles=osm or ?tiles=https://…/{z}/{x}/{y}.png — an online layer only when asked for and reachable. */
function addConfiguredTiles(map) {
  const setting = new URLSearchParams(location.search).get('tiles');
  if (!setting) return;
  const template = setting === 'osm' ? 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' : setting;
  if (!/^https?:\/\/[^\s]+\{z\}[^\s]*\{x\}[^\s]*\{y\}/.test(template)) return;
  const probe = new Image();
  const timer = setTimeout(() => { probe.src = ''; }, 4000);
  probe.onload = () => {
    clearTimeout(timer);
    L.tileLayer(template, { maxZoom: 19, attribution: '© OpenStreetMap contributors', opacity: 0.85 }).addTo(map);
  };
  probe.src = template.replace('{z}', '0').replace('{x}', '0').replace('{y}', '0').replace('{s}', 'a');
}
