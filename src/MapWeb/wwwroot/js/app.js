// The public web map: offline basemap, layers loaded by viewport as server-side clusters, search,
// filters, "near a point", details panel and a shareable URL. Coordinator mode lives in coordinator.js.
/* global L */
import { api } from './api.js';
import { el, $ } from './dom.js';
import { loadLanguage, lang, t, tOr, applyTranslations, formatNumber, formatDate } from './i18n.js';
import { LAYER_STYLE, symbolSvg, featureIcon, clusterIcon, polygonStyle } from './symbols.js';
import { setupBasemap } from './basemap.js';
import * as coordinator from './coordinator.js';

export const DATA_LAYERS = ['teams', 'red-addresses', 'hardship-villages', 'border-areas', 'border-markers', 'needs', 'activities'];
const DEFAULT_LAYERS = ['teams', 'red-addresses', 'hardship-villages', 'border-areas', 'border-markers', 'needs', 'admin'];
// Filters shown in the legend; each is sent only to the layers whose /api/layers entry declares it.
const FILTER_NAMES = ['skill', 'type', 'rank', 'min_poverty', 'max_new_rural', 'extremely_difficult', 'admin'];
const VIETNAM = { center: [16.0, 106.3], zoom: 6 };
const DISTRICTS_FROM_ZOOM = 9;
const DISTRICTS_DATE = '2025-06-30'; // the district level was abolished on 1 July 2025

const state = {
  layers: new Set(DEFAULT_LAYERS),
  filters: {},
  near: null,          // { lon, lat, radius }
  catalog: [],         // /api/layers
  skills: [],
};
const groups = {};     // layer id → L.LayerGroup
const inFlight = {};   // layer id → AbortController
let map;
let nearCircle = null;
let picking = null;    // a function taking a latlng, when the next click picks a point


function layerTitle(id) { return t(`layer.${id}`); }

// ---------- URL state (hash) ----------

function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const view = params.get('map')?.split('/').map(Number);
  if (params.has('layers')) state.layers = new Set(params.get('layers').split(',').filter(Boolean));
  for (const name of FILTER_NAMES) if (params.get(name)) state.filters[name] = params.get(name);
  const near = params.get('near')?.split(',').map(Number);
  const radius = Number(params.get('radius'));
  if (near?.length === 2 && near.every(Number.isFinite) && radius > 0) state.near = { lon: near[0], lat: near[1], radius };
  if (view?.length === 3 && view.every(Number.isFinite)) return { center: [view[1], view[2]], zoom: view[0] };
  return VIETNAM;
}

function writeHash() {
  const c = map.getCenter();
  const params = new URLSearchParams();
  params.set('map', `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`);
  params.set('layers', [...state.layers].join(','));
  for (const [k, v] of Object.entries(state.filters)) if (v !== '' && v !== undefined) params.set(k, v);
  if (state.near) { params.set('near', `${state.near.lon.toFixed(5)},${state.near.lat.toFixed(5)}`); params.set('radius', state.near.radius); }
  const hash = '#' + params.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
  if (hash !== location.hash) history.replaceState(null, '', location.pathname + location.search + hash);
}

// ---------- loading by viewport ----------

function viewBbox() {
  const b = map.getBounds();
  let [w, s, e, n] = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
  // The API refuses boxes over 60° a side; a world view is clipped around its centre.
  const c = map.getCenter();
  if (e - w > 59.9) { w = Math.max(-180, c.lng - 29.9); e = Math.min(180, c.lng + 29.9); }
  if (n - s > 59.9) { s = Math.max(-85, c.lat - 29.9); n = Math.min(85, c.lat + 29.9); }
  return [w, s, e, n].map(v => v.toFixed(5)).join(',');
}

function filterParams(layerId) {
  const declared = new Set((state.catalog.find(l => l.id === layerId)?.filters ?? []).map(f => f.name));
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filters)) {
    if (value === '' || value === undefined) continue;
    if (name === 'admin' || declared.has(name)) params.set(name, value);
  }
  if (state.near) { params.set('near', `${state.near.lon},${state.near.lat}`); params.set('radius_m', state.near.radius); }
  return params;
}

async function loadLayer(id) {
  inFlight[id]?.abort();
  const group = groups[id];
  if (!state.layers.has(id)) { group.clearLayers(); setLayerStatus(id, ''); return; }
  const controller = new AbortController();
  inFlight[id] = controller;
  const params = filterParams(id);
  params.set('bbox', viewBbox());
  params.set('zoom', Math.round(map.getZoom()));
  try {
    const data = await api(`/api/layers/${id}/clusters?${params}`, { signal: controller.signal });
    group.clearLayers();
    for (const feature of data.features) group.addLayer(renderFeature(id, feature));
    // numberMatched is null when the API stopped counting; a truncated page's length would understate.
    setLayerStatus(id, data.numberMatched ?? (data.truncated ? '' : data.features.length));
  } catch (e) {
    if (e.name === 'AbortError') return;
    setLayerStatus(id, '!');
    announce(t('error.load', { what: layerTitle(id) }));
  }
}

function renderFeature(layerId, feature) {
  const p = feature.properties ?? {};
  if (p.cluster) {
    const [lon, lat] = feature.geometry.coordinates;
    const label = t('cluster.label', { n: formatNumber(p.count), layer: layerTitle(layerId) });
    const marker = L.marker([lat, lon], { icon: clusterIcon(layerId, p.count, label), title: label, keyboard: true, riseOnHover: true });
    marker.on('click', () => {
      const [w, s, e, n] = p.bbox;
      if (e - w < 1e-6 && n - s < 1e-6) map.setView([lat, lon], Math.min(map.getZoom() + 3, 18));
      else map.fitBounds([[s, w], [n, e]], { padding: [40, 40], maxZoom: 18 });
    });
    marker.on('add', () => marker.getElement()?.setAttribute('role', 'button'));
    return marker;
  }
  const name = featureName(layerId, p);
  if (feature.geometry.type === 'Point') {
    const [lon, lat] = feature.geometry.coordinates;
    const marker = L.marker([lat, lon], { icon: featureIcon(layerId, feature), title: `${layerTitle(layerId)}: ${name}`, keyboard: true, riseOnHover: true });
    marker.on('click', () => openPopup(layerId, feature, [lat, lon]));
    marker.on('add', () => {
      const node = marker.getElement();
      node?.setAttribute('role', 'button');
      node?.setAttribute('aria-label', `${layerTitle(layerId)}: ${name}`);
      node?.setAttribute('data-layer', layerId);
      node?.setAttribute('data-id', feature.id);
      // Enter or Space on a focused marker opens its popup (Leaflet's own handler listens to keypress only).
      node?.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openPopup(layerId, feature, [lat, lon]); }
      });
    });
    return marker;
  }
  const shape = L.geoJSON(feature, { style: polygonStyle(layerId) });
  shape.on('click', e => openPopup(layerId, feature, e.latlng));
  shape.bindTooltip(el('span', {}, String(name)), { sticky: true }); // an element, not HTML text
  return shape;
}

// A map-level popup, not one bound to the marker: the viewport reload that follows the popup's own
// auto-pan replaces every marker, and a bound popup would close with its marker.
function openPopup(layerId, feature, latlng) {
  L.popup({ maxWidth: 300 }).setLatLng(latlng).setContent(popupContent(layerId, feature)).openOn(map);
}

function featureName(layerId, p) {
  if (layerId === 'border-markers') return `${tOr(`marker.${p.marker_type}`, p.marker_type)} ${p.marker_number}`;
  return p.name ?? p.title ?? '';
}

// ---------- popups and the details panel ----------

const KEY_FACTS = {
  'teams': ['team_type', 'parent_unit', 'skills', 'members', 'capacity', 'status'],
  'red-addresses': ['relic_type', 'rank', 'recognised_year', 'address'],
  'hardship-villages': ['poverty_rate', 'households', 'ethnic_groups', 'new_rural_criteria_met', 'last_served_on'],
  'border-areas': ['kind', 'neighbour_country', 'neighbour_province'],
  'border-markers': ['marker_type', 'neighbour_country'],
  'needs': ['category', 'priority', 'status', 'volunteers_needed', 'window_start', 'window_end', 'public_summary'],
  'activities': ['campaign', 'started_on', 'participants', 'beneficiaries'],
};
const HIDDEN_FIELDS = new Set(['layer', 'name', 'title', 'is_sample', 'village_id', 'team_id', 'need_id', 'border_area_id', 'cluster']);

function skillLabel(code) {
  const skill = state.skills.find(s => s.code === code);
  return skill ? (lang === 'vi' ? skill.label_vi : skill.label_en) ?? code : code;
}

export function formatValue(field, value) {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (field === 'skills' || field === 'required_skills') return value.map(skillLabel).join(', ');
    return value.join(', ');
  }
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k.replaceAll('_', ' ')}: ${v}`).join('; ');
  if (field === 'team_type') return tOr(`type.${value}`, value);
  if (field === 'rank') return tOr(`rank.${value}`, value);
  if (field === 'marker_type') return tOr(`marker.${value}`, value);
  if (field === 'status') return tOr(`status.${value}`, value);
  if (field === 'priority') return tOr(`priority.${value}`, value);
  if (field === 'category') return tOr(`category.${value}`, value);
  if (/(_on|_at|window_start|window_end)$/.test(field)) return formatDate(value);
  // Only web addresses become links: a javascript: URL must never be clickable.
  if (field === 'public_url') return /^https?:\/\//i.test(value) ? el('a', { href: value, rel: 'noopener', target: '_blank' }, value) : String(value);
  if (field === 'public_email') return el('a', { href: `mailto:${value}` }, value);
  if (field === 'public_phone') return el('a', { href: `tel:${value.replace(/\s/g, '')}` }, value);
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

function factList(fields, p) {
  const dl = el('dl', { class: 'facts' });
  for (const field of fields) {
    const value = formatValue(field, p[field]);
    if (value === null) continue;
    dl.append(el('dt', {}, t(`field.${field}`)), el('dd', {}, value));
  }
  return dl;
}

function popupContent(layerId, feature) {
  const p = feature.properties;
  const box = el('div', { class: 'popup', 'data-layer': layerId },
    el('p', { class: 'popup-layer' }, el('span', { class: 'legend-symbol' }), layerTitle(layerId)),
    el('h3', {}, featureName(layerId, p)),
    factList(KEY_FACTS[layerId] ?? [], p));
  box.querySelector('.legend-symbol').innerHTML = symbolSvg(layerId, 14);
  if (p.is_sample) box.append(el('p', { class: 'sample-note' }, t('panel.sample')));
  const actions = el('div', { class: 'popup-actions' },
    el('button', { type: 'button', class: 'btn btn-primary', onclick: () => openDetails(layerId, feature.id) }, t('popup.details')));
  if (layerId === 'hardship-villages' && coordinator.canRecordNeeds()) {
    const [lon, lat] = feature.geometry.coordinates;
    actions.append(el('button', { type: 'button', class: 'btn', onclick: () => { map.closePopup(); coordinator.startNeed({ lon, lat, village: { id: feature.id, name: p.name } }); } }, t('popup.record_need')));
  }
  if (layerId === 'needs' && coordinator.signedIn()) {
    actions.append(el('button', { type: 'button', class: 'btn', onclick: () => { map.closePopup(); coordinator.showNeed(feature.id); } }, t('popup.open_need')));
  }
  box.append(actions);
  return box;
}

export async function openDetails(layerId, id) {
  showPanel(t('panel.title'), el('p', { class: 'muted' }, t('loading')));
  try {
    const feature = await api(`/api/layers/${layerId}/features/${id}`);
    const p = feature.properties;
    const fields = Object.keys(p).filter(k => !HIDDEN_FIELDS.has(k));
    const ordered = [...new Set([...(KEY_FACTS[layerId] ?? []), ...fields])];
    const body = el('article', { class: 'details', 'data-layer': layerId, 'data-id': feature.id },
      el('p', { class: 'popup-layer' }, el('span', { class: 'legend-symbol' }), layerTitle(layerId)),
      el('h3', {}, featureName(layerId, p)),
      p.is_sample ? el('p', { class: 'sample-note' }, t('panel.sample')) : null,
      factList(ordered, p));
    body.querySelector('.legend-symbol').innerHTML = symbolSvg(layerId, 14);
    showPanel(t('panel.title'), body);
  } catch (e) {
    showPanel(t('panel.title'), el('p', { class: 'error', role: 'alert' }, t('error.load', { what: layerTitle(layerId) })));
  }
}

export function showPanel(title, content) {
  const panel = $('#panel');
  $('#panel-title').textContent = title;
  const body = $('#panel-body');
  body.replaceChildren(content);
  panel.hidden = false;
  document.body.classList.add('panel-open');
  $('#panel-title').focus({ preventScroll: true });
}

function closePanel() {
  $('#panel').hidden = true;
  document.body.classList.remove('panel-open');
  coordinator.clearOverlay();
}

// ---------- legend, filters and "near" ----------

// value: the features matching in the current view (the clusters endpoint's numberMatched, filters
// applied), '' when the layer is off, '!' when it failed to load; shown before the layer's total.
function setLayerStatus(id, value) {
  const node = document.querySelector(`[data-layer-count="${id}"]`);
  if (!node) return;
  const total = state.catalog.find(l => l.id === id)?.features;
  node.textContent = total === undefined ? '' : formatNumber(total);
  node.title = total === undefined ? '' : t('layer.count', { n: formatNumber(total) });
  node.dataset.inView = value;
  const inView = document.querySelector(`[data-layer-in-view="${id}"]`);
  if (!inView) return;
  const shown = value === '' || value === undefined ? '' : value === '!' ? '!' : formatNumber(value);
  inView.textContent = shown;
  inView.hidden = shown === '';
  inView.title = shown === '' || shown === '!' ? '' : t('layer.in_view', { n: shown });
}

function buildLegend() {
  const list = $('#layer-list');
  list.replaceChildren();
  for (const id of [...DATA_LAYERS, 'admin']) {
    const checkbox = el('input', { type: 'checkbox', id: `layer-${id}`, 'data-layer-toggle': id });
    checkbox.checked = state.layers.has(id);
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) state.layers.add(id); else state.layers.delete(id);
      if (id === 'admin') refreshAdmin(); else loadLayer(id);
      writeHash();
    });
    const symbol = el('span', { class: 'legend-symbol' });
    symbol.innerHTML = symbolSvg(id, 18);
    const item = el('li', {},
      checkbox,
      el('label', { for: `layer-${id}` }, symbol, el('span', { class: 'legend-name' }, layerTitle(id)),
        el('span', { class: 'legend-counts' },
          id === 'admin' ? null : el('span', { class: 'legend-in-view', 'data-layer-in-view': id, hidden: true }),
          el('span', { class: 'legend-count', 'data-layer-count': id }))),
      id === 'admin' ? el('small', { class: 'legend-hint' }, t('layer.admin.hint')) : null);
    list.append(item);
    setLayerStatus(id, '');
  }
}

function optionList(select, values, labelOf) {
  const current = select.value;
  select.replaceChildren(el('option', { value: '' }, t('filters.any')), ...values.map(v => el('option', { value: v }, labelOf(v))));
  select.value = current;
}

function buildFilters(provinces) {
  const allowed = name => state.catalog.flatMap(l => l.filters ?? []).find(f => f.name === name)?.values ?? [];
  optionList($('#filter-skill'), state.skills.map(s => s.code), skillLabel);
  optionList($('#filter-type'), allowed('type'), v => tOr(`type.${v}`, v));
  optionList($('#filter-rank'), allowed('rank'), v => tOr(`rank.${v}`, v));
  optionList($('#filter-admin'), provinces.map(p => p.code), code => provinces.find(p => p.code === code)?.name ?? code);
  for (const name of FILTER_NAMES) {
    const input = $(`#filter-${name}`);
    if (!input) continue;
    const value = state.filters[name] ?? '';
    if (input.type === 'checkbox') input.checked = value === 'true'; else input.value = value;
  }
}

function wireFilters() {
  for (const name of FILTER_NAMES) {
    const input = $(`#filter-${name}`);
    input?.addEventListener('change', () => {
      const value = input.type === 'checkbox' ? (input.checked ? 'true' : '') : input.value.trim();
      if (value === '') delete state.filters[name]; else state.filters[name] = value;
      reloadAll();
      if (name === 'admin' && value) zoomToAdmin(value);
    });
  }
  $('#filter-clear').addEventListener('click', () => {
    state.filters = {};
    for (const name of FILTER_NAMES) {
      const input = $(`#filter-${name}`);
      if (input?.type === 'checkbox') input.checked = false; else if (input) input.value = '';
    }
    reloadAll();
  });
  $('#near-pick').addEventListener('click', () => {
    $('#near-status').textContent = t('near.picking');
    document.body.classList.add('picking');
    closeLegendOnPhone();
    picking = latlng => setNear({ lon: latlng.lng, lat: latlng.lat, radius: Number($('#near-radius').value) });
  });
  $('#near-radius').addEventListener('change', () => { if (state.near) setNear({ ...state.near, radius: Number($('#near-radius').value) }); });
  $('#near-clear').addEventListener('click', () => setNear(null));
}

function setNear(near) {
  state.near = near;
  nearCircle?.remove();
  nearCircle = null;
  $('#near-clear').hidden = !near;
  if (near) {
    nearCircle = L.circle([near.lat, near.lon], { radius: near.radius, color: '#333', weight: 2, dashArray: '4 4', fill: false, interactive: false }).addTo(map);
    $('#near-radius').value = String(near.radius);
    $('#near-status').textContent = t('near.active', { r: formatNumber(near.radius / 1000), lat: near.lat.toFixed(4), lon: near.lon.toFixed(4) });
  } else {
    $('#near-status').textContent = '';
  }
  reloadAll();
}

function reloadAll() {
  for (const id of DATA_LAYERS) loadLayer(id);
  writeHash();
}

// ---------- admin boundaries ----------

let provincesLayer = null, districtsLayer = null, districtsData = null, highlight = null;

async function setupAdmin() {
  try {
    const data = await api('/api/admin-units?level=province&geometry=simplified&limit=1000');
    provincesLayer = L.geoJSON(data, {
      pane: 'admin', style: { color: '#4a4a4a', weight: 1.4, fill: false, dashArray: '6 3' }, interactive: false,
    });
    refreshAdmin();
    return data.features.map(f => ({ code: f.properties.code, name: f.properties.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  } catch {
    return [];
  }
}

async function refreshAdmin() {
  const on = state.layers.has('admin');
  if (provincesLayer) { if (on) provincesLayer.addTo(map); else provincesLayer.remove(); }
  const wantDistricts = on && map.getZoom() >= DISTRICTS_FROM_ZOOM;
  if (wantDistricts && !districtsData) {
    districtsData = api(`/api/admin-units?level=district&date=${DISTRICTS_DATE}&geometry=simplified&limit=1000`).catch(() => ({ features: [] }));
    const data = await districtsData;
    districtsLayer = L.geoJSON(data, { pane: 'admin', style: { color: '#777', weight: 0.8, fill: false, dashArray: '2 3' }, interactive: false });
  }
  if (districtsLayer) { if (state.layers.has('admin') && map.getZoom() >= DISTRICTS_FROM_ZOOM) districtsLayer.addTo(map); else districtsLayer.remove(); }
}

async function zoomToAdmin(code, date = null) {
  try {
    const unit = await api(`/api/admin-units/${encodeURIComponent(code)}?geometry=simplified${date ? `&date=${date}` : ''}`);
    highlight?.remove();
    highlight = L.geoJSON(unit, { pane: 'admin', style: { color: '#b71c1c', weight: 3, fill: false }, interactive: false }).addTo(map);
    map.fitBounds(highlight.getBounds(), { padding: [20, 20] });
  } catch { /* the filter still applies */ }
}

// ---------- search ----------

let searchTimer = null, searchController = null, activeResult = -1;

function wireSearch() {
  const input = $('#search'), list = $('#search-results');
  input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(input.value.trim()), 250);
  });
  input.addEventListener('keydown', e => {
    const items = [...list.querySelectorAll('[role=option]')];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!items.length) return;
      activeResult = (activeResult + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items.forEach((item, i) => item.setAttribute('aria-selected', i === activeResult ? 'true' : 'false'));
      input.setAttribute('aria-activedescendant', items[activeResult].id);
      items[activeResult].scrollIntoView({ block: 'nearest' });
    } else if (e.key === 'Enter') {
      e.preventDefault();
      (items[activeResult] ?? items[0])?.click();
    } else if (e.key === 'Escape') {
      hideResults();
    }
  });
  $('#search-form').addEventListener('submit', e => e.preventDefault());
  document.addEventListener('click', e => { if (!e.target.closest('#search-form')) hideResults(); });
}

function hideResults() {
  $('#search-results').hidden = true;
  $('#search').setAttribute('aria-expanded', 'false');
  activeResult = -1;
}

async function runSearch(q) {
  const list = $('#search-results');
  searchController?.abort();
  if (q.length < 2) { hideResults(); return; }
  searchController = new AbortController();
  const signal = searchController.signal;
  const query = encodeURIComponent(q);
  const requests = [
    // Plans written before the 2025 reorganisation name the old provinces and districts: search both eras.
    api(`/api/admin-units?q=${query}&geometry=none&limit=6`, { signal }).then(d => d.features.map(f => ({ kind: 'admin', f }))),
    api(`/api/admin-units?q=${query}&geometry=none&limit=6&date=${DISTRICTS_DATE}`, { signal })
      .then(d => d.features.filter(f => f.properties.valid_to).map(f => ({ kind: 'admin', f }))),
    ...DATA_LAYERS.map(id => api(`/api/layers/${id}/features?q=${query}&limit=4`, { signal }).then(d => d.features.map(f => ({ kind: id, f })))),
  ];
  const settled = await Promise.allSettled(requests);
  if (signal.aborted) return;
  const results = settled.flatMap(r => r.status === 'fulfilled' ? r.value : []);
  list.replaceChildren();
  activeResult = -1;
  if (!results.length) list.append(el('li', { class: 'muted', role: 'presentation' }, t('search.none')));
  results.forEach(({ kind, f }, i) => {
    const p = f.properties;
    const name = kind === 'admin' ? p.name : featureName(kind, p);
    const sub = kind === 'admin'
      ? `${tOr(`level.${p.level}`, p.level)}${p.valid_to ? ` · ${formatDate(p.valid_from)} – ${formatDate(p.valid_to)}` : ''}`
      : layerTitle(kind);
    const symbol = el('span', { class: 'legend-symbol' });
    symbol.innerHTML = symbolSvg(kind === 'admin' ? 'admin' : kind, 14);
    list.append(el('li', {
      id: `result-${i}`, role: 'option', 'aria-selected': 'false', tabindex: '-1', 'data-kind': kind,
      onclick: () => { hideResults(); selectResult(kind, f); },
    }, symbol, el('span', { class: 'result-name' }, name), el('small', {}, sub)));
  });
  list.hidden = false;
  $('#search').setAttribute('aria-expanded', 'true');
}

function selectResult(kind, feature) {
  closeLegendOnPhone();
  if (kind === 'admin') { zoomToAdmin(feature.properties.code, feature.properties.valid_to ? feature.properties.valid_from : null); return; }
  if (!state.layers.has(kind)) { state.layers.add(kind); $(`#layer-${kind}`).checked = true; }
  const g = feature.geometry;
  const latlng = g.type === 'Point' ? [g.coordinates[1], g.coordinates[0]] : L.geoJSON(feature).getBounds().getCenter();
  map.setView(latlng, Math.max(map.getZoom(), 14));
  map.once('moveend', () => openPopup(kind, feature, latlng));
  openDetails(kind, feature.id);
}

// ---------- small helpers ----------

export function announce(message) { $('#status').textContent = message; }

function closeLegendOnPhone() {
  if (window.matchMedia('(max-width: 760px)').matches) setLegendOpen(false);
}

function setLegendOpen(open) {
  document.body.classList.toggle('legend-open', open);
  $('#legend-toggle').setAttribute('aria-expanded', String(open));
}

// ---------- start ----------

async function start() {
  await loadLanguage();
  const view = readHash();
  map = L.map('map', { zoomControl: true, keyboard: true, attributionControl: true, minZoom: 3, maxZoom: 19, worldCopyJump: false })
    .setView(view.center, view.zoom);
  map.getContainer().setAttribute('aria-label', t('map.label'));
  map.attributionControl.setPrefix(false);
  map.createPane('basemap').style.zIndex = 200;
  map.createPane('admin').style.zIndex = 350;
  for (const id of DATA_LAYERS) groups[id] = L.layerGroup().addTo(map);
  setupBasemap(map, { attribution: t('attribution') });

  [state.catalog, state.skills] = await Promise.all([
    api('/api/layers').catch(() => []),
    api('/api/skills').catch(() => []),
  ]);
  buildLegend();
  const provinces = await setupAdmin();
  buildFilters(provinces);
  wireFilters();
  wireSearch();
  if (state.near) setNear(state.near);

  $('#legend-toggle').addEventListener('click', () => setLegendOpen(!document.body.classList.contains('legend-open')));
  $('#legend-close').addEventListener('click', () => setLegendOpen(false));
  $('#panel-close').addEventListener('click', closePanel);
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && !$('#panel').hidden && !document.querySelector('dialog[open]')) closePanel();
  });
  $('#lang-toggle').addEventListener('click', async () => {
    await loadLanguage(lang === 'vi' ? 'en' : 'vi');
    location.reload();
  });

  let moveTimer = null;
  map.on('moveend', () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(() => { for (const id of DATA_LAYERS) loadLayer(id); refreshAdmin(); writeHash(); }, 120);
  });
  map.on('click', e => {
    if (picking) {
      const pick = picking;
      picking = null;
      document.body.classList.remove('picking');
      pick(e.latlng);
    }
  });

  coordinator.init({ map, showPanel, openDetails, reload: () => loadLayer('needs'), skills: () => state.skills, skillLabel, setPicking: fn => { picking = fn; document.body.classList.toggle('picking', !!fn); } });
  for (const id of DATA_LAYERS) loadLayer(id);
  writeHash();
  document.body.classList.add('ready');
}

start();
