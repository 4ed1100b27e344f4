// The data layers on the map: loaded by viewport from the clusters endpoint, one L.LayerGroup each.
/* global L */
import { api } from '../api.js';
import { el } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { featureIcon, clusterIcon, polygonStyle } from '../symbols.js';
import { state, emit, dataLayers } from './state.js';
import { layerTitle, featureName } from './labels.js';
import { openPopup } from './panel.js';
import { announce } from './shell.js';

const groups = {};     // layer id → L.LayerGroup
const inFlight = {};   // layer id → AbortController

export function createLayerGroups() {
  for (const id of dataLayers()) groups[id] ??= L.layerGroup().addTo(state.map);
}

function viewBbox() {
  const map = state.map;
  const b = map.getBounds();
  let [w, s, e, n] = [Math.max(-180, b.getWest()), Math.max(-85, b.getSouth()), Math.min(180, b.getEast()), Math.min(85, b.getNorth())];
  // The API refuses boxes over 60° a side; a world view is clipped around its centre.
  const c = map.getCenter();
  if (e - w > 59.9) { w = Math.max(-180, c.lng - 29.9); e = Math.min(180, c.lng + 29.9); }
  if (n - s > 59.9) { s = Math.max(-85, c.lat - 29.9); n = Math.min(85, c.lat + 29.9); }
  return [w, s, e, n].map(v => v.toFixed(5)).join(',');
}

/** The query parameters of the filters a layer declares in /api/layers, plus admin and "near". */
export function filterParams(layerId) {
  const declared = new Set((state.catalog.find(l => l.id === layerId)?.filters ?? []).map(f => f.name));
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(state.filters)) {
    if (value === '' || value === undefined) continue;
    if (name === 'admin' || declared.has(name)) params.set(name, value);
  }
  if (state.near) { params.set('near', `${state.near.lon},${state.near.lat}`); params.set('radius_m', state.near.radius); }
  return params;
}

export async function loadLayer(id) {
  inFlight[id]?.abort();
  const group = groups[id];
  if (!group) return;
  if (!state.layers.has(id)) { group.clearLayers(); emit('layer-status', { id, value: '' }); return; }
  const controller = new AbortController();
  inFlight[id] = controller;
  const params = filterParams(id);
  params.set('bbox', viewBbox());
  params.set('zoom', Math.round(state.map.getZoom()));
  try {
    const data = await api(`/api/layers/${id}/clusters?${params}`, { signal: controller.signal });
    group.clearLayers();
    for (const feature of data.features) group.addLayer(renderFeature(id, feature));
    // numberMatched is null when the API stopped counting; a truncated page's length would understate.
    emit('layer-status', { id, value: data.numberMatched ?? (data.truncated ? '' : data.features.length) });
  } catch (e) {
    if (e.name === 'AbortError') return;
    emit('layer-status', { id, value: '!' });
    announce(t('error.load', { what: layerTitle(id) }));
  }
}

export function loadAll() { for (const id of dataLayers()) loadLayer(id); }

function renderFeature(layerId, feature) {
  const map = state.map;
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
