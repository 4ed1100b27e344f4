// Administrative boundaries: provinces always, districts (before 1 July 2025) from zoom 9, and a
// highlighted unit when one is chosen by filter or search.
/* global L */
import { api } from '../api.js';
import { state, DISTRICTS_DATE } from './state.js';
import { t } from '../i18n.js';

// Vietnam's two offshore archipelagos, labelled on every view like the country's own maps.
const ARCHIPELAGOS = [
  { key: 'map.hoang_sa', lat: 16.5, lon: 112.0 },
  { key: 'map.truong_sa', lat: 9.8, lon: 114.3 },
];

const DISTRICTS_FROM_ZOOM = 9;
let provincesLayer = null, districtsLayer = null, districtsData = null, highlight = null, sampleNote = null;

// Sample outlines (generated, not official: data/sources.json) are drawn lighter and dotted, and a note says so while
// one is on screen, so nobody reads them as real boundaries.
const SAMPLE_STYLE = { color: '#8d8d8d', weight: 1, fill: false, dashArray: '1 5' };

function showSampleNote(text) {
  if (!sampleNote) {
    sampleNote = L.control({ position: 'bottomright' });
    sampleNote.onAdd = () => L.DomUtil.create('div', 'sample-outline-note');
  }
  if (!text) { sampleNote.remove(); return; }
  if (!sampleNote.getContainer()?.isConnected) sampleNote.addTo(state.map);
  sampleNote.getContainer().textContent = text;
  sampleNote.getContainer().setAttribute('role', 'note');
}

function updateSampleNote() {
  const highlighted = highlight?.sample ? t('admin.sample_outline', { name: highlight.sample }) : null;
  const districts = districtsLayer && state.map.hasLayer(districtsLayer) && districtsLayer.hasSamples ? t('admin.sample_districts') : null;
  showSampleNote(highlighted ?? districts);
}

/** Draws the provinces; returns them as { code, name } sorted by Vietnamese name (for the filter). */
export async function setupAdmin() {
  try {
    const data = await api('/api/admin-units?level=province&geometry=simplified&limit=1000');
    provincesLayer = L.geoJSON(data, {
      pane: 'admin', style: { color: '#4a4a4a', weight: 1.4, fill: false, dashArray: '6 3' }, interactive: false,
    });
    for (const a of ARCHIPELAGOS)
      L.marker([a.lat, a.lon], {
        pane: 'admin', interactive: false, keyboard: false,
        icon: L.divIcon({ className: 'archipelago-label', html: `<span>${t(a.key)}</span>`, iconSize: null }),
      }).addTo(state.map);
    refreshAdmin();
    return data.features.map(f => ({ code: f.properties.code, name: f.properties.name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  } catch {
    return [];
  }
}

export async function refreshAdmin() {
  const map = state.map;
  const on = state.layers.has('admin');
  if (provincesLayer) { if (on) provincesLayer.addTo(map); else provincesLayer.remove(); }
  const wantDistricts = on && map.getZoom() >= DISTRICTS_FROM_ZOOM;
  if (wantDistricts && !districtsData) {
    districtsData = api(`/api/admin-units?level=district&date=${DISTRICTS_DATE}&geometry=simplified&limit=1000`).catch(() => ({ features: [] }));
    const data = await districtsData;
    districtsLayer = L.geoJSON(data, {
      pane: 'admin', interactive: false,
      style: f => f.properties.is_sample ? SAMPLE_STYLE : { color: '#777', weight: 0.8, fill: false, dashArray: '2 3' },
    });
    districtsLayer.hasSamples = data.features.some(f => f.properties.is_sample);
  }
  if (districtsLayer) { if (state.layers.has('admin') && map.getZoom() >= DISTRICTS_FROM_ZOOM) districtsLayer.addTo(map); else districtsLayer.remove(); }
  updateSampleNote();
}

export async function zoomToAdmin(code, date = null) {
  try {
    const unit = await api(`/api/admin-units/${encodeURIComponent(code)}?geometry=simplified${date ? `&date=${date}` : ''}`);
    highlight?.remove();
    const sample = unit.properties.is_sample;
    highlight = L.geoJSON(unit, {
      pane: 'admin', interactive: false,
      style: sample ? { ...SAMPLE_STYLE, color: '#6d4c41', weight: 2.5, dashArray: '6 5' } : { color: '#b71c1c', weight: 3, fill: false },
    }).addTo(state.map);
    highlight.sample = sample ? unit.properties.name : null;
    updateSampleNote();
    state.map.fitBounds(mainlandBounds(unit) ?? highlight.getBounds(), { padding: [20, 20] });
  } catch { /* the filter still applies */ }
}

/**
 * The bounds worth framing: the unit's largest part and the parts near it. Đà Nẵng's polygon holds the Hoàng Sa
 * archipelago some 300 km offshore (as Khánh Hòa's holds Trường Sa); fitting all of it frames the sea.
 */
export function mainlandBounds(unit) {
  const g = unit?.geometry;
  if (!g || (g.type !== 'MultiPolygon' && g.type !== 'Polygon')) return null;
  const parts = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    .map(rings => L.latLngBounds(rings[0].map(([lon, lat]) => [lat, lon])));
  const size = b => (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
  const largest = parts.reduce((a, b) => (size(b) > size(a) ? b : a));
  const near = largest.pad(0.5);
  return parts.filter(b => near.intersects(b)).reduce((all, b) => all.extend(b), L.latLngBounds(largest.getSouthWest(), largest.getNorthEast()));
}
