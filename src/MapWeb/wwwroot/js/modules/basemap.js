// Basemaps. The detailed (street-level) sources come from /api/config: a PMTiles archive served by the API
// and/or an XYZ tile server (OpenStreetMap's by default, or the deployer's own). The shipped offline
// basemap — land, country borders and province outlines from /basemap/*.geojson — is always there as the
// fallback; a visible notice says when no detailed source could be reached. A switcher picks the basemap
// and the link remembers the choice (basemap=…).
/* global L */
import { el } from '../dom.js';
import { t } from '../i18n.js';
import { state, emit } from './state.js';

const VIETNAM_IDS = new Set(['VN', 'VNM', '704', 'Vietnam', 'Viet Nam', 'Việt Nam']);
const PROBE_TIMEOUT_MS = 5000;
const OSM_TILES = 'https://tile.openstreetmap.org/';

let offline = null;      // L.LayerGroup of the offline basemap
let active = null;       // { id, layer } of the detailed basemap on show
let notice = null;       // the notice control's element
let switcher = null;     // the switcher's radio list
let sources = [];        // [{ id, kind, url, attribution, max_zoom, status }]

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

async function loadOffline(map) {
  offline = L.layerGroup();
  try {
    const countries = await geojson('/basemap/countries.geojson');
    L.geoJSON(countries, {
      pane: 'basemap', interactive: false,
      style: f => isVietnam(f)
        ? { color: '#6d6d6d', weight: 1.2, fillColor: '#fbf9f3', fillOpacity: 1 }
        : { color: '#8c8c8c', weight: 1, fillColor: '#e9e6df', fillOpacity: 1 },
    }).addTo(offline);
  } catch { /* no basemap file: the sea-coloured background and the admin layer still orient the user */ }
  try {
    const provinces = await geojson('/basemap/provinces.geojson');
    L.geoJSON(provinces, { pane: 'basemap', interactive: false, style: { color: '#b9b4a8', weight: 0.7, fill: false } }).addTo(offline);
  } catch { /* optional */ }
  if (!active) offline.addTo(map);
}

/** Attribution as DOM-safe HTML: the deployer's text is escaped; OpenStreetMap's links to its licence. */
function attributionHtml(source) {
  const text = document.createElement('span');
  text.textContent = source.attribution || new URL(source.url, location.href).host;
  if (source.url.startsWith(OSM_TILES) || /openstreetmap/i.test(source.attribution ?? ''))
    return `${text.innerHTML} (<a href="https://www.openstreetmap.org/copyright" rel="noopener" target="_blank">ODbL</a>)`;
  return text.innerHTML;
}

/** Loads the tile at the view's centre; resolves true when it arrives in time. */
function probeXyz(map, source) {
  const z = Math.max(0, Math.min(source.max_zoom ?? 19, Math.round(map.getZoom())));
  const c = map.getCenter(), n = 2 ** z;
  const x = Math.floor((c.lng + 180) / 360 * n);
  const lat = c.lat * Math.PI / 180;
  const y = Math.floor((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2 * n);
  const url = source.url.replace('{z}', z).replace('{x}', x).replace('{y}', y).replace('{s}', 'a').replace('{r}', '');
  return new Promise(resolve => {
    const img = new Image();
    const timer = setTimeout(() => { img.src = ''; resolve(false); }, PROBE_TIMEOUT_MS);
    img.onload = () => { clearTimeout(timer); resolve(true); };
    img.onerror = () => { clearTimeout(timer); resolve(false); };
    img.src = url;
  });
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    if (document.querySelector(`script[src="${src}"]`)) { resolve(); return; }
    document.head.append(el('script', { src, onload: resolve, onerror: reject }));
  });
}

/** A Leaflet layer for a source, or null when it cannot be reached. */
async function makeLayer(map, source) {
  if (source.kind === 'xyz') {
    if (!(await probeXyz(map, source))) return null;
    return L.tileLayer(source.url, { maxZoom: 19, maxNativeZoom: source.max_zoom ?? 19, attribution: attributionHtml(source), className: 'rm-street-tiles' });
  }
  if (source.kind === 'pmtiles') {
    try {
      await loadScript('/vendor/pmtiles/dist/pmtiles.js');
      const archive = new window.pmtiles.PMTiles(source.url);
      const header = await archive.getHeader();
      if (header.tileType === window.pmtiles.TileType.Mvt) {
        await loadScript('/vendor/protomaps-leaflet/dist/protomaps-leaflet.js');
        return window.protomapsL.leafletLayer({ url: archive, flavor: 'light', lang: document.documentElement.lang, maxDataZoom: header.maxZoom, attribution: attributionHtml(source) });
      }
      return window.pmtiles.leafletRasterLayer(archive, { maxNativeZoom: header.maxZoom, maxZoom: 19, attribution: attributionHtml(source), className: 'rm-street-tiles' });
    } catch {
      return null;
    }
  }
  return null;
}

function showNotice(key) {
  if (!notice) return;
  notice.hidden = !key;
  notice.querySelector('.basemap-notice-text').textContent = key ? t(key) : '';
}

/** Switches to a basemap by id ('offline' or a configured source); falls back to offline when unreachable. */
export async function setBasemap(id, { remember = true } = {}) {
  const map = state.map;
  const source = sources.find(s => s.id === id);
  active?.layer.remove();
  active = null;
  if (source) {
    const layer = await makeLayer(map, source);
    source.status = layer ? 'ok' : 'failed';
    if (layer) {
      active = { id, layer };
      layer.addTo(map);
      offline?.remove();
    }
  }
  if (!active) offline?.addTo(map);
  state.basemap = active ? active.id : 'offline';
  document.body.dataset.basemap = state.basemap;
  if (source && !active) showNotice('basemap.unreachable');
  else if (!active && !sources.length) showNotice('basemap.none');
  else showNotice(null);
  syncSwitcher();
  if (remember) { state.basemapWanted = id; emit('state-changed'); }
}

function syncSwitcher() {
  if (!switcher) return;
  for (const input of switcher.querySelectorAll('input')) {
    input.checked = input.value === state.basemap;
    const source = sources.find(s => s.id === input.value);
    input.closest('label').classList.toggle('failed', source?.status === 'failed');
  }
}

/** The notice sits at the top of the map, between the zoom buttons and the switcher, clear of the attribution. */
function addNotice(map) {
  notice = el('div', { class: 'basemap-notice', id: 'basemap-notice', role: 'status', hidden: true },
    el('span', { class: 'basemap-notice-text' }),
    el('button', { type: 'button', class: 'icon-btn basemap-notice-close', 'aria-label': t('basemap.notice.close'), onclick: () => { notice.hidden = true; } }, '×'));
  L.DomEvent.disableClickPropagation(notice);
  map.getContainer().append(notice);
}

const Switcher = L.Control.extend({
  options: { position: 'topright' },
  onAdd() {
    const box = el('div', { class: 'leaflet-bar basemap-switcher' });
    const button = el('button', { type: 'button', id: 'basemap-toggle', class: 'basemap-toggle', 'aria-expanded': 'false', 'aria-controls': 'basemap-list', title: t('basemap.title') },
      el('span', { class: 'visually-hidden' }, t('basemap.title')));
    button.innerHTML += '<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true" focusable="false"><path d="M10 2 1 7l9 5 9-5-9-5Zm-6.6 8L1 11.3l9 5 9-5-2.4-1.3L10 13.6 3.4 10Z" fill="currentColor"/></svg>';
    const options = [...sources.map(s => s.id), 'offline'];
    switcher = el('fieldset', { id: 'basemap-list', class: 'basemap-list', hidden: true },
      el('legend', {}, t('basemap.title')),
      options.map(id => el('label', {}, el('input', { type: 'radio', name: 'basemap', value: id }), ' ', t(`basemap.${id}`))));
    switcher.addEventListener('change', e => setBasemap(e.target.value));
    const setOpen = open => { switcher.hidden = !open; button.setAttribute('aria-expanded', String(open)); };
    button.addEventListener('click', () => { setOpen(switcher.hidden); if (!switcher.hidden) switcher.querySelector('input:checked, input')?.focus(); });
    box.addEventListener('keydown', e => { if (e.key === 'Escape' && !switcher.hidden) { e.stopPropagation(); setOpen(false); button.focus(); } });
    document.addEventListener('click', e => { if (!box.contains(e.target)) setOpen(false); });
    box.append(button, switcher);
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    syncSwitcher();
    return box;
  },
});

/** Sets up the basemaps: the configured sources (from /api/config) and the offline fallback. */
export async function setupBasemap(map, { attribution, config, wanted }) {
  map.attributionControl.addAttribution(attribution);
  sources = (config?.basemaps ?? []).filter(s => s && typeof s.url === 'string' && ['xyz', 'pmtiles'].includes(s.kind));
  addNotice(map);
  new Switcher().addTo(map);
  const offlineLoaded = loadOffline(map);
  const first = wanted && (wanted === 'offline' || sources.some(s => s.id === wanted)) ? wanted : sources[0]?.id ?? 'offline';
  await setBasemap(first, { remember: false });
  // A chosen source that failed: try the others before settling on the offline basemap.
  if (state.basemap === 'offline' && first !== 'offline') {
    for (const s of sources) {
      if (s.id === first) continue;
      await setBasemap(s.id, { remember: false });
      if (state.basemap !== 'offline') break;
    }
    if (state.basemap === 'offline') showNotice('basemap.unreachable');
  }
  await offlineLoaded;
}

export function basemapSources() { return sources; }
