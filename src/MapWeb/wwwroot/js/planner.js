// The planner view: admin units coloured by the hardship villages no active team reaches (/api/planning/summary),
// ranked beside the map; a unit's uncovered villages (/api/planning/coverage); the activities layer by campaign.
// Filters live in the link (#date=…&level=…&parent=…&campaign=…&activities=0) so a plan can be shared and printed.
/* global L */
import { api } from './api.js';
import { $, el } from './dom.js';
import { loadLanguage, lang, t, formatNumber, formatDate } from './i18n.js';
import { state } from './modules/state.js';
import { setupBasemap } from './modules/basemap.js';
import { codeLabel } from './modules/labels.js';

const DISTRICTS_END = '2025-07-01'; // the district level was abolished on 1 July 2025
// Colour classes of "villages no active team reaches" (upper bounds, inclusive); 0 is drawn as covered.
const CLASSES = [[0, '#e5f2e5'], [2, '#fdd49e'], [5, '#fc8d59'], [10, '#e34a33'], [Infinity, '#a50f15']];

let map, unitsLayer, villagesLayer, activitiesLayer, selected = null;
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

function colourOf(uncovered) { return CLASSES.find(([max]) => uncovered <= max)[1]; }

function readFilters() {
  const hash = new URLSearchParams(location.hash.slice(1));
  return {
    date: hash.get('date') || today(),
    level: hash.get('level') === 'district' ? 'district' : 'province',
    parent: hash.get('parent') || '',
    campaign: hash.get('campaign') || '',
    activities: hash.get('activities') !== '0',
  };
}

function writeFilters(f) {
  const hash = new URLSearchParams();
  if (f.date !== today()) hash.set('date', f.date);
  if (f.level !== 'province') hash.set('level', f.level);
  if (f.parent) hash.set('parent', f.parent);
  if (f.campaign) hash.set('campaign', f.campaign);
  if (!f.activities) hash.set('activities', '0');
  if (lang !== 'vi') hash.set('lang', lang);
  history.replaceState(null, '', hash.size ? `#${hash}` : location.pathname);
}

function formFilters() {
  return {
    date: $('#planner-date').value || today(), level: $('#planner-level').value, parent: $('#planner-parent').value,
    campaign: $('#planner-campaign').value, activities: $('#planner-activities').checked,
  };
}

function showFilters(f) {
  $('#planner-date').value = f.date;
  // Districts exist only before 1 July 2025; after it, the level below the province is the commune (no boundaries yet).
  const districts = f.date < DISTRICTS_END;
  $('#planner-level').querySelector('option[value=district]').disabled = !districts;
  $('#planner-level').value = districts ? f.level : 'province';
  $('#planner-parent').value = f.parent;
  $('#planner-parent').disabled = $('#planner-level').value !== 'district';
  $('#planner-campaign').value = f.campaign;
  $('#planner-activities').checked = f.activities;
}

async function fillProvinces(date) {
  const select = $('#planner-parent');
  const keep = select.value;
  const provinces = await api(`/api/admin-units?level=province&date=${date}&geometry=none&limit=1000`);
  select.replaceChildren(el('option', { value: '' }, t('planner.all')),
    ...provinces.features.map(f => f.properties).sort((a, b) => a.name.localeCompare(b.name, 'vi'))
      .map(p => el('option', { value: p.code }, p.name)));
  select.value = keep;
}

// Campaigns recorded in the portal, and the campaign names the approved activities carry (imports name them too).
async function fillCampaigns() {
  const [campaigns, activities] = await Promise.all([
    api('/api/campaigns').catch(() => []),
    api('/api/layers/activities/features?limit=1000').catch(() => ({ features: [] })),
  ]);
  const names = [...new Set([...campaigns.map(c => c.name), ...activities.features.map(f => f.properties.campaign)].filter(Boolean))]
    .sort((a, b) => a.localeCompare(b, 'vi'));
  $('#planner-campaign').append(...names.map(n => el('option', { value: n }, n)));
}

/** Units with geometry from /api/admin-units, numbers from /api/planning/summary, joined by code. */
async function refresh() {
  const f = formFilters();
  if (f.level === 'district' && f.date >= DISTRICTS_END) f.level = 'province';
  writeFilters(f);
  showFilters(f);
  $('#planner-error').textContent = '';
  const query = new URLSearchParams({ level: f.level, date: f.date });
  if (f.level === 'district' && f.parent) query.set('parent', f.parent);
  let summary, units;
  try {
    [summary, units] = await Promise.all([
      api(`/api/planning/summary?${query}`),
      api(`/api/admin-units?${query}&geometry=simplified&limit=1000`),
    ]);
  } catch (e) {
    $('#planner-error').textContent = t('planner.failed', { detail: e.message });
    return;
  }
  const byCode = new Map(summary.map(s => [s.code, s]));
  drawUnits(units, byCode);
  fillRanking(summary);
  drawLegend();
  const where = f.level === 'district' && f.parent ? $('#planner-parent').selectedOptions[0]?.textContent : t('planner.country');
  $('#planner-heading').textContent = t('planner.heading', { where, level: codeLabel('admin_level', f.level), date: formatDate(f.date) });
  $('#status').textContent = t('planner.loaded', { n: formatNumber(summary.length) });
  loadActivities(f);
  if (selected && !byCode.has(selected)) closeVillages();
}

function drawUnits(units, byCode) {
  unitsLayer?.remove();
  unitsLayer = L.geoJSON(units, {
    style: feature => {
      const s = byCode.get(feature.properties.code);
      return { color: '#5b6470', weight: 0.8, fillColor: s ? colourOf(s.uncovered_villages) : '#f2f2f2', fillOpacity: 0.85 };
    },
    onEachFeature: (feature, layer) => {
      const s = byCode.get(feature.properties.code);
      layer.bindTooltip(`${feature.properties.name}: ${t('planner.tooltip', {
        uncovered: formatNumber(s?.uncovered_villages ?? 0), villages: formatNumber(s?.hardship_villages ?? 0) })}`, { sticky: true });
      layer.on('click', () => selectUnit(feature.properties.code, feature.properties.name));
    },
  }).addTo(map);
  const bounds = unitsLayer.getBounds();
  if (bounds.isValid()) map.fitBounds(mainland(bounds), { padding: [8, 8] });
}

// Viet Nam's provinces include Hoàng Sa and Trường Sa: frame the mainland when the whole country is shown.
function mainland(bounds) {
  return bounds.getEast() > 110 ? L.latLngBounds([bounds.getSouth() < 8 ? 8.4 : bounds.getSouth(), bounds.getWest()], [bounds.getNorth(), Math.min(bounds.getEast(), 109.6)]) : bounds;
}

function fillRanking(summary) {
  const rows = summary.map((s, i) => {
    const name = el('button', { type: 'button', class: 'link-btn', onclick: () => selectUnit(s.code, s.name) }, s.name);
    const tr = el('tr', { 'data-code': s.code, class: s.code === selected ? 'selected' : null },
      el('td', { class: 'num' }, formatNumber(i + 1)), el('td', {}, name),
      ...[s.uncovered_villages, s.hardship_villages, s.active_teams, s.active_capacity, s.open_needs, s.red_addresses, s.activity_participants]
        .map((n, k) => el('td', { class: k === 0 ? 'num strong' : 'num' }, formatNumber(n))));
    return tr;
  });
  $('#ranking tbody').replaceChildren(...rows);
}

function drawLegend() {
  const labels = [t('planner.legend.none'), '1–2', '3–5', '6–10', t('planner.legend.more', { n: 10 })];
  $('#planner-legend').replaceChildren(el('strong', {}, t('planner.uncovered')),
    ...CLASSES.map(([, colour], i) => el('span', { class: 'swatch-row' }, el('span', { class: 'swatch', style: `background:${colour}` }), labels[i])));
}

async function selectUnit(code, name) {
  selected = code;
  const f = formFilters();
  document.querySelectorAll('#ranking tr.selected').forEach(r => r.classList.remove('selected'));
  document.querySelector(`#ranking tr[data-code="${CSS.escape(code)}"]`)?.classList.add('selected');
  const section = $('#planner-villages');
  $('#villages-title').textContent = t('planner.villages-in', { name });
  section.hidden = false;
  const list = section.querySelector('ol');
  list.replaceChildren(el('li', { class: 'hint' }, t('loading')));
  let coverage;
  try {
    coverage = await api(`/api/planning/coverage?admin=${encodeURIComponent(code)}&date=${f.date}&uncovered=true&limit=200`);
  } catch (e) {
    list.replaceChildren(el('li', { class: 'error' }, t('planner.failed', { detail: e.message })));
    return;
  }
  villagesLayer?.remove();
  villagesLayer = L.geoJSON(coverage, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 6, color: '#7a0000', weight: 2, fillColor: '#ffffff', fillOpacity: 1 }),
    onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.name),
  }).addTo(map);
  if (!coverage.features.length) { list.replaceChildren(el('li', { class: 'hint' }, t('planner.all-covered'))); return; }
  list.replaceChildren(...coverage.features.map(v => {
    const p = v.properties;
    const facts = [
      p.poverty_rate === null ? null : t('planner.poverty', { rate: formatNumber(p.poverty_rate, 1) }),
      p.nearest_team_m === null ? t('planner.no-team') : t('planner.nearest', { km: formatNumber(p.nearest_team_m / 1000, 1) }),
      p.last_served_on ? t('planner.served', { date: formatDate(p.last_served_on) }) : t('planner.never-served'),
      p.is_sample ? t('search.sample') : null,
    ].filter(Boolean).join(' · ');
    return el('li', {}, el('a', { href: `/#map=14/${v.geometry.coordinates[1].toFixed(5)}/${v.geometry.coordinates[0].toFixed(5)}&feature=hardship-villages/${v.id}` }, p.name),
      el('small', {}, facts));
  }));
}

function closeVillages() {
  selected = null;
  villagesLayer?.remove();
  $('#planner-villages').hidden = true;
}

async function loadActivities(f) {
  activitiesLayer?.remove();
  if (!f.activities) return;
  const query = new URLSearchParams({ limit: '1000' });
  if (f.campaign) query.set('campaign', f.campaign);
  const activities = await api(`/api/layers/activities/features?${query}`).catch(() => null);
  if (!activities) return;
  activitiesLayer = L.geoJSON(activities, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 4, color: '#1b5e20', weight: 1, fillColor: '#43a047', fillOpacity: 0.9 }),
    onEachFeature: (feature, layer) => layer.bindTooltip(`${feature.properties.name}${feature.properties.campaign ? ` · ${feature.properties.campaign}` : ''}`),
  }).addTo(map);
}

async function start() {
  const wanted = readFilters();
  await loadLanguage(new URLSearchParams(location.hash.slice(1)).get('lang') || undefined);
  document.title = `${t('planner.title')} — ${t('app.title')}`;
  map = L.map('planner-map', { zoomControl: false, minZoom: 4, maxZoom: 14 }).setView([16.0, 106.3], 5);
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.createPane('basemap').style.zIndex = 200;
  state.map = map;
  let config;
  [config, state.vocab] = await Promise.all([api('/api/config').catch(() => ({ basemaps: [] })), api('/api/vocabularies').catch(() => ({}))]);
  for (const option of $('#planner-level').options) option.textContent = codeLabel('admin_level', option.value);
  setupBasemap(map, { attribution: t('attribution'), config, wanted: null });

  await Promise.all([fillProvinces(wanted.date), fillCampaigns()]);
  showFilters(wanted);
  $('#planner-filters').addEventListener('change', async e => {
    if (e.target.id === 'planner-date') await fillProvinces($('#planner-date').value || today());
    if (e.target.id === 'planner-level' && $('#planner-level').value === 'province') $('#planner-parent').value = '';
    refresh();
  });
  $('#planner-filters').addEventListener('submit', e => e.preventDefault());
  $('#planner-print').addEventListener('click', () => window.print());
  $('#lang-toggle').addEventListener('click', async () => {
    await loadLanguage(lang === 'vi' ? 'en' : 'vi');
    writeFilters(formFilters());
    location.reload();
  });
  await refresh();
  document.body.classList.add('ready');
}

start();
