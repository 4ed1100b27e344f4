// The search box: admin units (today's and the pre-2025 ones) and features of every layer.
/* global L */
import { api } from '../api.js';
import { el, $ } from '../dom.js';
import { t, tOr, formatDate } from '../i18n.js';
import { symbolSvg } from '../symbols.js';
import { state, emit, dataLayers, DISTRICTS_DATE } from './state.js';
import { layerTitle, featureName } from './labels.js';
import { openPopup, openDetails } from './panel.js';
import { zoomToAdmin } from './admin.js';
import { ensureLayerOn } from './legend.js';
import { closeLegendOnPhone } from './shell.js';

let searchTimer = null, searchController = null, activeResult = -1;

export function wireSearch() {
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
    ...dataLayers().map(id => api(`/api/layers/${id}/features?q=${query}&limit=4`, { signal }).then(d => d.features.map(f => ({ kind: id, f })))),
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
  if (!state.layers.has(kind)) { ensureLayerOn(kind); emit('layers-changed', kind); }
  const g = feature.geometry;
  const latlng = g.type === 'Point' ? [g.coordinates[1], g.coordinates[0]] : L.geoJSON(feature).getBounds().getCenter();
  state.map.setView(latlng, Math.max(state.map.getZoom(), 14));
  state.map.once('moveend', () => openPopup(kind, feature, latlng));
  openDetails(kind, feature.id);
}
