// Map tools beside the zoom buttons: share this view, locate me, what is in view (with CSV), and the
// coordinates of a long-pressed (or right-clicked) point in WGS84 and VN-2000. Also the sample-data badge.
/* global L */
import { api } from '../api.js';
import { el, $ } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { state, dataLayers } from './state.js';
import { viewBbox, filterParams } from './layers.js';
import { layerTitle, featureName } from './labels.js';
import { showPanel, openDetails } from './panel.js';
import { announce } from './shell.js';
import { writeHash } from './urlstate.js';

const IN_VIEW_LIMIT = 50;

// Drawn, not glyphs: a phone without a symbol font would show an empty box for ⌖.
const svg = body => `<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">${body}</svg>`;
const ICONS = {
  locate: svg('<circle cx="12" cy="12" r="6"/><circle cx="12" cy="12" r="1.5" fill="currentColor"/><path d="M12 2v4M12 18v4M2 12h4M18 12h4"/>'),
  list: svg('<path d="M8 6h13M8 12h13M8 18h13"/><circle cx="3.5" cy="6" r="1" fill="currentColor"/><circle cx="3.5" cy="12" r="1" fill="currentColor"/><circle cx="3.5" cy="18" r="1" fill="currentColor"/>'),
  share: svg('<circle cx="18" cy="5" r="2.5"/><circle cx="6" cy="12" r="2.5"/><circle cx="18" cy="19" r="2.5"/><path d="M8.2 10.8l7.6-4.4M8.2 13.2l7.6 4.4"/>'),
};

export function setupTools(map) {
  showSampleBadge();
  const Tools = L.Control.extend({
    options: { position: 'topleft' },
    onAdd() {
      const bar = L.DomUtil.create('div', 'leaflet-bar rm-tools');
      const button = (id, icon, key, handler) => {
        const b = L.DomUtil.create('button', 'rm-tool', bar);
        Object.assign(b, { id, type: 'button', title: t(key), innerHTML: icon });
        b.setAttribute('aria-label', t(key));
        L.DomEvent.on(b, 'click', e => { L.DomEvent.stop(e); handler(b); });
        return b;
      };
      button('tool-locate', ICONS.locate, 'tools.locate', locate);
      button('tool-in-view', ICONS.list, 'tools.in_view', showInView);
      button('tool-share', ICONS.share, 'tools.share', share);
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    },
  });
  new Tools().addTo(map);
  map.on('contextmenu', e => showCoordinates(e.latlng));
  // One "you are here": the accuracy circle and a dot, replaced on each locate.
  const located = L.layerGroup().addTo(map);
  map.on('locationfound', e => {
    located.clearLayers();
    L.circle(e.latlng, { radius: e.accuracy, className: 'rm-located', interactive: false }).addTo(located);
    L.circleMarker(e.latlng, { radius: 6, className: 'rm-located-dot', interactive: false }).addTo(located);
    const accuracy = Math.round(e.accuracy);
    announce(t('tools.located', { accuracy: accuracy >= 1000 ? `${formatNumber(accuracy / 1000, 1)} km` : `${formatNumber(accuracy)} m` }));
  });
  map.on('locationerror', () => announce(t('tools.locate_failed')));
}

function showSampleBadge() {
  if (!state.config?.sample_data) return;
  const badge = el('span', { id: 'sample-badge', class: 'sample-badge', role: 'note', title: t('sample.badge_hint') }, t('sample.badge'));
  $('.brand')?.append(badge);
}

function locate() {
  if (!navigator.geolocation) { announce(t('tools.locate_failed')); return; }
  state.map.locate({ setView: true, maxZoom: 14, enableHighAccuracy: true, timeout: 10000 });
}

/** The link to this view (with the open feature and the language), shown to copy and shared where the browser can. */
async function share() {
  writeHash();
  const url = location.href;
  const input = el('input', { id: 'share-url', class: 'share-url', readonly: 'readonly', value: url, 'aria-label': t('tools.share_link') });
  const copy = el('button', { type: 'button', class: 'btn btn-primary', id: 'share-copy' }, t('tools.copy'));
  const done = el('p', { class: 'muted', 'aria-live': 'polite' });
  copy.addEventListener('click', async () => {
    input.select();
    try { await navigator.clipboard.writeText(url); done.textContent = t('tools.copied'); }
    catch { done.textContent = t('tools.copy_manually'); }
  });
  const body = el('div', { class: 'share' }, el('p', {}, t('tools.share_hint')), input, el('div', { class: 'row' }, copy), done);
  if (navigator.share) {
    body.querySelector('.row').append(el('button', { type: 'button', class: 'btn', onclick: () => navigator.share({ title: document.title, url }).catch(() => {}) }, t('tools.share_native')));
  }
  showPanel(t('tools.share'), body);
  input.select();
}

/** What the map shows, layer by layer: the first features in view, how many there are, and a CSV of them all. */
async function showInView() {
  const bbox = viewBbox();
  const on = dataLayers().filter(id => state.layers.has(id));
  const body = el('div', { class: 'in-view' }, el('p', { class: 'muted' }, t('loading')));
  showPanel(t('tools.in_view'), body);
  const sections = await Promise.all(on.map(async id => {
    const params = filterParams(id);
    params.set('bbox', bbox);
    try {
      const data = await api(`/api/layers/${id}/features?${params}&limit=${IN_VIEW_LIMIT}`);
      const more = data.features.length >= IN_VIEW_LIMIT;
      const count = data.numberMatched ?? data.features.length;
      const csv = new URLSearchParams(params); csv.set('format', 'csv');
      return el('section', { class: 'in-view-layer', 'data-layer': id },
        el('h3', {}, `${layerTitle(id)} `, el('span', { class: 'count' }, more && data.numberMatched == null ? `${formatNumber(IN_VIEW_LIMIT)}+` : formatNumber(count))),
        count ? el('a', { class: 'btn btn-small csv', href: `/api/layers/${id}/export?${csv}`, download: `${id}.csv` }, t('tools.csv')) : null,
        el('ol', {}, ...data.features.map(f => el('li', {},
          el('button', { type: 'button', class: 'link', onclick: () => openDetails(id, f.id) }, featureName(id, f.properties))))),
        more ? el('p', { class: 'muted' }, t('tools.in_view_more', { n: formatNumber(IN_VIEW_LIMIT) })) : null);
    } catch {
      return el('section', { class: 'in-view-layer' }, el('h3', {}, layerTitle(id)), el('p', { class: 'error' }, t('error.load', { what: layerTitle(id) })));
    }
  }));
  body.replaceChildren(...(sections.length ? sections : [el('p', { class: 'muted' }, t('tools.in_view_none'))]));
}

/** VN-2000 in the UTM zone of the longitude (48 west of 108°E, 49 east), as surveyors' documents give it. */
async function showCoordinates(latlng) {
  const lon = latlng.lng, lat = latlng.lat;
  const zone = lon < 108 ? 'utm48' : 'utm49';
  const content = el('div', { class: 'coords' },
    el('strong', {}, t('tools.coordinates')),
    el('div', {}, `WGS84: ${lat.toFixed(6)}, ${lon.toFixed(6)}`),
    el('div', { class: 'vn2000' }, t('loading')));
  L.popup({ className: 'rm-coords' }).setLatLng(latlng).setContent(content).openOn(state.map);
  try {
    const r = await api(`/api/coordinates/to-vn2000?lon=${lon}&lat=${lat}&zone=${zone}`);
    content.querySelector('.vn2000').textContent =
      `VN-2000 (${t(`tools.zone.${zone}`)}): X ${formatNumber(r.vn2000.northing, 2)} m, Y ${formatNumber(r.vn2000.easting, 2)} m`;
  } catch {
    content.querySelector('.vn2000').textContent = t('tools.vn2000_failed');
  }
}
