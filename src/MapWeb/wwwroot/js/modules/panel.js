// Popups (key facts) and the details panel (the full public record).
/* global L */
import { api } from '../api.js';
import { el, $ } from '../dom.js';
import { t } from '../i18n.js';
import { symbolSvg } from '../symbols.js';
import * as coordinator from '../coordinator.js';
import { state, emit } from './state.js';
import { layerTitle, featureName, formatValue } from './labels.js';
import { isPhone } from './shell.js';

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

function factList(fields, p, layerId) {
  const dl = el('dl', { class: 'facts' });
  for (const field of fields) {
    const value = formatValue(field, p[field], layerId);
    if (value === null) continue;
    const dd = el('dd', {}, value);
    if (field === 'admin_code') nameAdminUnit(dd, value);
    dl.append(el('dt', {}, t(`field.${field}`)), dd);
  }
  return dl;
}

// Records keep the code of their admin unit; people read its name (and, for a commune or district, its province).
async function nameAdminUnit(dd, code) {
  try {
    const unit = await api(`/api/admin-units/${encodeURIComponent(code)}?geometry=none`);
    const p = unit.properties;
    const parent = p.parent_code && p.level !== 'province' ? await api(`/api/admin-units/${encodeURIComponent(p.parent_code)}?geometry=none`).catch(() => null) : null;
    dd.textContent = [p.name, parent?.properties?.name].filter(Boolean).join(', ');
    dd.title = code;
  } catch { /* an unknown code stays as it is */ }
}

// A map-level popup, not one bound to the marker: the viewport reload that follows the popup's own
// auto-pan replaces every marker, and a bound popup would close with its marker.
// Keyboard users land in what opened and go back where they were when it closes (Escape closes it). Markers are
// replaced on every viewport load, so the way back is the feature's marker found again by layer and id.
let popupOpen = null;      // { popup, layerId, id }
let panelOpener = null;    // the element focused before the panel opened

function markerOf(layerId, id) {
  return document.querySelector(`.leaflet-marker-pane .rm-marker.rm-${CSS.escape(layerId)}[data-id="${CSS.escape(String(id))}"]`);
}

export function openPopup(layerId, feature, latlng) {
  const popup = L.popup({ maxWidth: 300 }).setLatLng(latlng).setContent(popupContent(layerId, feature));
  popup.on('remove', () => {
    const inside = !document.activeElement || document.activeElement === document.body || popup.getElement()?.contains(document.activeElement);
    if (popupOpen?.popup === popup) popupOpen = null;
    // After Leaflet has finished closing (it may move focus itself).
    if (inside && $('#panel').hidden) setTimeout(() => markerOf(layerId, feature.id)?.focus({ preventScroll: true }));
  });
  popupOpen = { popup, layerId, id: feature.id };
  popup.openOn(state.map);
  // Focus the popup itself, not its first button: the Enter that opened it would otherwise press that button too.
  popup.getElement()?.querySelector('.popup')?.focus({ preventScroll: true });
}

function popupContent(layerId, feature) {
  const p = feature.properties;
  const box = el('div', { class: 'popup', 'data-layer': layerId, tabindex: '-1' },
    el('p', { class: 'popup-layer' }, el('span', { class: 'legend-symbol' }), layerTitle(layerId)),
    el('h3', {}, featureName(layerId, p)),
    factList(KEY_FACTS[layerId] ?? [], p, layerId));
  box.querySelector('.legend-symbol').innerHTML = symbolSvg(layerId, 14);
  if (p.is_sample) box.append(el('p', { class: 'sample-note' }, t('panel.sample')));
  const actions = el('div', { class: 'popup-actions' },
    el('button', { type: 'button', class: 'btn btn-primary', onclick: () => openDetails(layerId, feature.id) }, t('popup.details')));
  if (layerId === 'hardship-villages' && coordinator.canRecordNeeds()) {
    const [lon, lat] = feature.geometry.coordinates;
    actions.append(el('button', { type: 'button', class: 'btn', onclick: () => { state.map.closePopup(); coordinator.startNeed({ lon, lat, village: { id: feature.id, name: p.name } }); } }, t('popup.record_need')));
  }
  if (layerId === 'needs' && coordinator.signedIn()) {
    actions.append(el('button', { type: 'button', class: 'btn', onclick: () => { state.map.closePopup(); coordinator.showNeed(feature.id); } }, t('popup.open_need')));
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
      factList(ordered, p, layerId));
    body.querySelector('.legend-symbol').innerHTML = symbolSvg(layerId, 14);
    showPanel(t('panel.title'), body);
    state.opened = { layer: layerId, id };
    emit('feature-opened', state.opened);
  } catch (e) {
    showPanel(t('panel.title'), el('p', { class: 'error', role: 'alert' }, t('error.load', { what: layerTitle(layerId) })));
  }
}

export function showPanel(title, content) {
  const panel = $('#panel');
  if (panel.hidden) panelOpener = document.activeElement !== document.body ? document.activeElement : null;
  $('#panel-title').textContent = title;
  const body = $('#panel-body');
  body.replaceChildren(content);
  panel.hidden = false;
  document.body.classList.add('panel-open');
  $('#panel-title').focus({ preventScroll: true });
}

export function closePanel() {
  $('#panel').hidden = true;
  document.body.classList.remove('panel-open');
  coordinator.clearOverlay();
  const opened = state.opened;
  state.opened = null;
  emit('panel-closed');
  // Back to what opened the panel; a popup's button is gone by now, so its feature's marker instead.
  const opener = panelOpener;
  panelOpener = null;
  // After the map has taken the space back (and reloaded its markers).
  setTimeout(() => (opener?.isConnected ? opener : opened ? markerOf(opened.layer, opened.id) : null)?.focus({ preventScroll: true }), 300);
}

// On a phone the panel is a bottom sheet in three sizes; the map keeps the part above it.
const SHEET_SIZES = { peek: 0.3, half: 0.5, full: 0.9 };
const SHEET_ORDER = ['peek', 'half', 'full'];

export function setSheet(size) {
  const panel = $('#panel');
  panel.dataset.sheet = size;
  panel.style.setProperty('--sheet-h', `${SHEET_SIZES[size] * 100}%`);
  $('#panel-handle').setAttribute('aria-label', t('panel.sheet', { size: t(`panel.sheet.${size}`) }));
}

/** Padding that keeps fitted bounds out from under the panel: below on a phone, at the right on a desktop. */
export function visiblePadding() {
  const size = state.map.getSize();
  if (isPhone()) return { paddingTopLeft: [16, 16], paddingBottomRight: [16, Math.round(size.y * SHEET_SIZES[$('#panel').dataset.sheet ?? 'half']) + 16] };
  const width = parseInt(getComputedStyle(document.documentElement).getPropertyValue('--panel-w'), 10) || 0;
  return { paddingTopLeft: [16, 16], paddingBottomRight: [width + 16, 16] };
}

function wireSheet() {
  const panel = $('#panel'), handle = $('#panel-handle');
  setSheet('half');
  let drag = null;
  const step = delta => setSheet(SHEET_ORDER[Math.max(0, Math.min(2, SHEET_ORDER.indexOf(panel.dataset.sheet) + delta))]);
  handle.addEventListener('pointerdown', e => {
    drag = { y: e.clientY, height: panel.offsetHeight, moved: false };
    handle.setPointerCapture(e.pointerId);
    panel.classList.add('dragging');
  });
  handle.addEventListener('pointermove', e => {
    if (!drag) return;
    const room = panel.parentElement.clientHeight;
    drag.moved ||= Math.abs(e.clientY - drag.y) > 4;
    const height = Math.min(room * 0.92, Math.max(room * 0.15, drag.height + drag.y - e.clientY));
    panel.style.setProperty('--sheet-h', `${height}px`);
  });
  const release = () => {
    if (!drag) return;
    const fraction = panel.offsetHeight / panel.parentElement.clientHeight;
    const moved = drag.moved;
    drag = null;
    panel.classList.remove('dragging');
    if (moved) setSheet(SHEET_ORDER.reduce((best, s) => Math.abs(SHEET_SIZES[s] - fraction) < Math.abs(SHEET_SIZES[best] - fraction) ? s : best));
    else step(panel.dataset.sheet === 'full' ? -2 : 1); // a tap grows the sheet, and from full goes back to peek
  };
  handle.addEventListener('pointerup', release);
  handle.addEventListener('pointercancel', release);
  handle.addEventListener('click', e => { if (e.detail === 0) step(panel.dataset.sheet === 'full' ? -2 : 1); }); // Enter or Space
  handle.addEventListener('keydown', e => {
    if (e.key === 'ArrowUp') { e.preventDefault(); step(1); }
    if (e.key === 'ArrowDown') { e.preventDefault(); step(-1); }
  });
}

export function wirePanel() {
  wireSheet();
  $('#panel-close').addEventListener('click', closePanel);
  document.addEventListener('keydown', e => {
    if (e.key !== 'Escape' || document.querySelector('dialog[open]')) return;
    if (popupOpen) { state.map.closePopup(popupOpen.popup); return; } // the innermost first: popup, then panel
    if (!$('#panel').hidden) closePanel();
  });
}
