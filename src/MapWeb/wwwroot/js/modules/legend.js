// The legend (one entry per layer that /api/layers lists, plus the admin outlines), the filters the
// layers declare, and "near a point".
/* global L */
import { el, $ } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { symbolSvg } from '../symbols.js';
import { state, on, emit, dataLayers, FILTER_NAMES } from './state.js';
import { layerTitle, skillLabel, codeLabel } from './labels.js';
import { closeLegendOnPhone } from './shell.js';
import { zoomToAdmin } from './admin.js';

let nearCircle = null;

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

export function buildLegend() {
  const list = $('#layer-list');
  list.replaceChildren();
  for (const id of [...dataLayers(), 'admin']) {
    const checkbox = el('input', { type: 'checkbox', id: `layer-${id}`, 'data-layer-toggle': id });
    checkbox.checked = state.layers.has(id);
    checkbox.addEventListener('change', () => {
      if (checkbox.checked) state.layers.add(id); else state.layers.delete(id);
      emit('layers-changed', id);
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
  on('layer-status', ({ id, value }) => setLayerStatus(id, value));
}

/** Ticks a layer on (e.g. when a search result of that layer is chosen). */
export function ensureLayerOn(id) {
  if (state.layers.has(id)) return;
  state.layers.add(id);
  const box = $(`#layer-${id}`);
  if (box) box.checked = true;
}

function optionList(select, values, labelOf) {
  const current = select.value;
  select.replaceChildren(el('option', { value: '' }, t('filters.any')), ...values.map(v => el('option', { value: v }, labelOf(v))));
  select.value = current;
}

export function buildFilters(provinces) {
  const allowed = name => state.catalog.flatMap(l => l.filters ?? []).find(f => f.name === name)?.values ?? [];
  optionList($('#filter-skill'), state.skills.map(s => s.code), skillLabel);
  optionList($('#filter-type'), allowed('type'), v => codeLabel('team_type', v));
  optionList($('#filter-rank'), allowed('rank'), v => codeLabel('site_rank', v));
  optionList($('#filter-admin'), provinces.map(p => p.code), code => provinces.find(p => p.code === code)?.name ?? code);
  for (const name of FILTER_NAMES) {
    const input = $(`#filter-${name}`);
    if (!input) continue;
    const value = state.filters[name] ?? '';
    if (input.type === 'checkbox') input.checked = value === 'true'; else input.value = value;
  }
}

export function wireFilters() {
  for (const name of FILTER_NAMES) {
    const input = $(`#filter-${name}`);
    input?.addEventListener('change', () => {
      const value = input.type === 'checkbox' ? (input.checked ? 'true' : '') : input.value.trim();
      if (value === '') delete state.filters[name]; else state.filters[name] = value;
      emit('filters-changed');
      if (name === 'admin' && value) zoomToAdmin(value);
    });
  }
  $('#filter-clear').addEventListener('click', () => {
    state.filters = {};
    for (const name of FILTER_NAMES) {
      const input = $(`#filter-${name}`);
      if (input?.type === 'checkbox') input.checked = false; else if (input) input.value = '';
    }
    emit('filters-changed');
  });
  $('#near-pick').addEventListener('click', () => {
    $('#near-status').textContent = t('near.picking');
    document.body.classList.add('picking');
    closeLegendOnPhone();
    state.picking = latlng => setNear({ lon: latlng.lng, lat: latlng.lat, radius: Number($('#near-radius').value) });
  });
  $('#near-radius').addEventListener('change', () => { if (state.near) setNear({ ...state.near, radius: Number($('#near-radius').value) }); });
  $('#near-clear').addEventListener('click', () => setNear(null));
}

export function setNear(near) {
  state.near = near;
  nearCircle?.remove();
  nearCircle = null;
  $('#near-clear').hidden = !near;
  if (near) {
    nearCircle = L.circle([near.lat, near.lon], { radius: near.radius, color: '#333', weight: 2, dashArray: '4 4', fill: false, interactive: false }).addTo(state.map);
    $('#near-radius').value = String(near.radius);
    $('#near-status').textContent = t('near.active', { r: formatNumber(near.radius / 1000), lat: near.lat.toFixed(4), lon: near.lon.toFixed(4) });
  } else {
    $('#near-status').textContent = '';
  }
  emit('filters-changed');
}
