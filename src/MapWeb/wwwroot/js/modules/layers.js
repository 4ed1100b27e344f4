// The data layers on the map, loaded by viewport from the clusters endpoint: point layers share one
// browser-side cluster group, shapes (border areas) get a plain L.LayerGroup each.
/* global L */
import { api } from '../api.js';
import { el } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { featureIcon, clusterIcon, polygonStyle } from '../symbols.js';
import { state, emit, dataLayers } from './state.js';
import { layerTitle, featureName } from './labels.js';
import { openPopup } from './panel.js';
import { announce } from './shell.js';

const groups = {};     // layer id → L.LayerGroup (shapes), or the markers of a point layer in `clusters`
const pointMarkers = {}; // point layer id → its markers now in `clusters`
const inFlight = {};   // layer id → AbortController
let clusters = null;   // one L.MarkerClusterGroup shared by every point layer

// Points that overlap on screen are clustered in the browser (Leaflet.markercluster) at every zoom, all
// point layers together so piles of different layers merge too; a cluster shows its total (server
// clusters inside it count for their members) and a ring with each layer's share in its colour.
// Points at one spot fan out as a spider on click.
const CLUSTER_RADIUS_PX = 44;

function isPointLayer(id) {
  const type = state.catalog.find(l => l.id === id)?.geometry_type;
  return type === undefined || /point/i.test(type) && !/polygon/i.test(type);
}

/** { layer id → count } of a cluster's members. */
function clusterCounts(cluster) {
  const counts = {};
  for (const m of cluster.getAllChildMarkers()) counts[m.options.layerId] = (counts[m.options.layerId] ?? 0) + (m.options.count ?? 1);
  return counts;
}

function clusterLabel(counts) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const parts = Object.entries(counts).map(([id, n]) => `${layerTitle(id)}: ${formatNumber(n)}`);
  return t('cluster.mixed', { n: formatNumber(total), parts: parts.join('; ') });
}

function makeClusters() {
  const group = L.markerClusterGroup({
    maxClusterRadius: CLUSTER_RADIUS_PX, showCoverageOnHover: false, zoomToBoundsOnClick: false, spiderfyOnMaxZoom: true,
    chunkedLoading: true, removeOutsideVisibleBounds: true,
    iconCreateFunction: cluster => { const counts = clusterCounts(cluster); return clusterIcon(counts, clusterLabel(counts)); },
  });
  group.on('clusterclick', e => {
    const b = e.layer.getBounds();
    // Every point at one spot: zooming cannot separate them, so they fan out as a spider.
    if (b.getNorthEast().distanceTo(b.getSouthWest()) < 1 || state.map.getZoom() >= state.map.getMaxZoom()) {
      e.layer.spiderfy();
      // From the keyboard, focus moves onto the first of the fanned-out markers.
      if (e.keyboard) setTimeout(() => e.layer.getAllChildMarkers()[0]?.getElement()?.focus(), 350);
    } else e.layer.zoomToBounds({ padding: [40, 40] });
  });
  return group;
}

// Cluster markers are keyboard-reachable buttons that say how many of what they hold. Decorated each time
// their icon is drawn: the group redraws a cluster's icon in place when its members change.
function decorateCluster(cluster) {
  const node = cluster.getElement();
  if (!node) return;
  const counts = clusterCounts(cluster);
  const layers = Object.keys(counts);
  for (const attr of node.getAttributeNames()) if (attr.startsWith('data-count-')) node.removeAttribute(attr);
  node.setAttribute('role', 'button');
  node.setAttribute('aria-label', clusterLabel(counts));
  node.setAttribute('data-layer', layers.length === 1 ? layers[0] : 'mixed');
  node.setAttribute('data-count', Object.values(counts).reduce((a, b) => a + b, 0));
  for (const [id, n] of Object.entries(counts)) node.setAttribute(`data-count-${id}`, n);
  node.setAttribute('data-client-cluster', '');
  if (node.dataset.keys) return;
  node.dataset.keys = 'on';
  node.addEventListener('keydown', e => {
    // The group renames a cluster's 'click' to 'clusterclick'.
    if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); cluster._group.fire('click', { layer: cluster, latlng: cluster.getLatLng(), keyboard: true }); }
  });
}

if (L.MarkerCluster) {
  L.MarkerCluster.include({
    _initIcon() { L.Marker.prototype._initIcon.call(this); decorateCluster(this); },
  });
}

export function createLayerGroups() {
  if (L.markerClusterGroup && !clusters) clusters = makeClusters().addTo(state.map);
  for (const id of dataLayers()) {
    if (groups[id] || pointMarkers[id]) continue;
    if (clusters && isPointLayer(id)) pointMarkers[id] = [];
    else groups[id] = L.layerGroup().addTo(state.map);
  }
}

/** Replaces a layer's features on the map. */
function showFeatures(id, layers) {
  if (pointMarkers[id]) {
    // A keyboard user's focused marker survives the reload: the new marker of the same feature takes the focus.
    const focused = document.activeElement?.closest?.(`.rm-marker.rm-${id}`)?.getAttribute('data-id');
    clusters.removeLayers(pointMarkers[id]);
    pointMarkers[id] = layers;
    clusters.addLayers(layers);
    if (focused) document.querySelector(`.leaflet-marker-pane .rm-marker.rm-${id}[data-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  } else {
    groups[id].clearLayers();
    layers.forEach(l => groups[id].addLayer(l));
  }
}

export function viewBbox() {
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
  if (!groups[id] && !pointMarkers[id]) return;
  if (!state.layers.has(id)) { showFeatures(id, []); emit('layer-status', { id, value: '' }); return; }
  const controller = new AbortController();
  inFlight[id] = controller;
  const params = filterParams(id);
  params.set('bbox', viewBbox());
  params.set('zoom', Math.round(state.map.getZoom()));
  try {
    const data = await api(`/api/layers/${id}/clusters?${params}`, { signal: controller.signal });
    showFeatures(id, data.features.map(feature => renderFeature(id, feature)));
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
    const marker = L.marker([lat, lon], { icon: clusterIcon({ [layerId]: p.count }, label), title: label, keyboard: true, riseOnHover: true, count: p.count, layerId });
    marker.on('click', () => {
      const [w, s, e, n] = p.bbox;
      if (e - w < 1e-6 && n - s < 1e-6) map.setView([lat, lon], Math.min(map.getZoom() + 3, 18));
      else map.fitBounds([[s, w], [n, e]], { padding: [40, 40], maxZoom: 18 });
    });
    marker.on('add', () => {
      const node = marker.getElement();
      node?.setAttribute('role', 'button');
      node?.setAttribute('data-layer', layerId);
      node?.setAttribute('data-count', p.count);
    });
    return marker;
  }
  const name = featureName(layerId, p);
  if (feature.geometry.type === 'Point') {
    const [lon, lat] = feature.geometry.coordinates;
    const marker = L.marker([lat, lon], { icon: featureIcon(layerId, feature), title: `${layerTitle(layerId)}: ${name}`, keyboard: true, riseOnHover: true, layerId });
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
