// The import page (import.html): upload a file, see every bad row (row, column, reason) or a preview of the rows on
// a small map and in a table (dry run, nothing written), then commit all rows at once. POST /api/imports.
/* global L */
import { ApiError, token, acceptLanguage } from './api.js';
import { api } from './api.js';
import { el } from './dom.js';
import { loadLanguage, t, lang, formatNumber } from './i18n.js';
import { currentUser, signIn, signOut, smallMap } from './signin.js';

const $ = s => document.querySelector(s);
const PREVIEW_ROWS = 200;
let map, points = null, checked = null;

async function main() {
  await loadLanguage();
  $('#lang-toggle').addEventListener('click', () => { localStorage.setItem('resourcemap.lang', lang === 'vi' ? 'en' : 'vi'); window.location.reload(); });
  map = await smallMap('imp-map', t('attribution'));
  const layers = await api('/api/imports/layers');
  $('#imp-layer').replaceChildren(...layers.map(l => el('option', { value: l.id, 'data-template': l.template_url }, lang === 'vi' ? l.title_vi : l.title_en)));
  const template = () => { $('#imp-template').href = $('#imp-layer').selectedOptions[0].dataset.template; };
  $('#imp-layer').addEventListener('change', () => { template(); reset(); });
  $('#imp-file').addEventListener('change', reset);
  template();
  $('#signin-form').addEventListener('submit', onSignIn);
  $('#signout-btn').addEventListener('click', () => { signOut(); render(); });
  $('#import-form').addEventListener('submit', e => { e.preventDefault(); run(true); });
  $('#imp-commit').addEventListener('click', () => run(false));
  render();
}

function render() {
  const user = currentUser();
  $('#signin-form').hidden = !!user;
  $('#signout-btn').hidden = !user;
  $('#user-name').textContent = user ? (user.display_name ?? user.username) : '';
  $('#import-form').hidden = !user || user.role !== 'coordinator';
  $('#imp-status').textContent = !user ? t('reg.signin_needed') : user.role !== 'coordinator' ? t('imp.coordinators_only') : '';
}

async function onSignIn(e) {
  e.preventDefault();
  try {
    await signIn($('#signin-username').value.trim(), $('#signin-password').value);
    $('#signin-password').value = '';
    render();
  } catch (error) {
    $('#signin-error').textContent = error instanceof ApiError && error.status === 401 ? t('auth.failed') : error.message;
  }
}

function reset() {
  checked = null;
  $('#imp-commit').disabled = true;
}

async function run(dryRun) {
  const file = $('#imp-file').files[0];
  if (!file) return;
  const layer = $('#imp-layer').value;
  const form = new FormData();
  form.append('file', file, file.name);
  $('#imp-status').textContent = t('imp.working');
  let report;
  try {
    const response = await fetch(`/api/imports?layer=${encodeURIComponent(layer)}&dry_run=${dryRun}`,
      { method: 'POST', body: form, headers: { Authorization: `Bearer ${token()}`, Accept: 'application/json', 'Accept-Language': acceptLanguage() } });
    report = await response.json();
    if (!response.ok && !report.status) throw new Error(report.detail ?? report.title ?? `HTTP ${response.status}`);
  } catch (error) {
    $('#imp-status').textContent = String(error.message ?? error);
    return;
  }
  $('#imp-status').textContent = '';
  show(report);
  checked = dryRun && report.status === 'valid' ? { layer, name: file.name, size: file.size } : null;
  $('#imp-commit').disabled = !checked;
}

function show(report) {
  $('#imp-report').hidden = false;
  const message = $('#imp-message');
  message.textContent = lang === 'vi' ? report.message_vi : report.message;
  message.className = report.status === 'invalid' ? 'problem' : 'report-ok';
  message.dataset.status = report.status;
  const errors = report.errors ?? [];
  $('#imp-errors').hidden = errors.length === 0;
  $('#imp-errors tbody').replaceChildren(...errors.map(e => el('tr', {},
    el('td', {}, e.row || '—'), el('td', {}, e.column), el('td', {}, e.value ?? ''), el('td', {}, lang === 'vi' ? e.reason_vi : e.reason))));
  const preview = report.preview ?? [];
  $('#imp-preview').hidden = preview.length === 0 || errors.length > 0;
  $('#imp-preview tbody').replaceChildren(...preview.slice(0, PREVIEW_ROWS).map(p => el('tr', {},
    el('td', {}, p.row), el('td', {}, p.external_id), el('td', {}, p.label),
    el('td', {}, `${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}${p.approximate ? ` (${t('imp.approximate')})` : ''}`))));
  if (points) points.remove();
  points = L.layerGroup(preview.map(p => L.circleMarker([p.lat, p.lon], {
    radius: 5, color: p.approximate ? '#b26a00' : '#0b3d91', fillOpacity: 0.7,
  }).bindTooltip(`${p.row}: ${p.label}`))).addTo(map);
  if (preview.length) map.fitBounds(L.latLngBounds(preview.map(p => [p.lat, p.lon])).pad(0.2), { maxZoom: 12 });
  $('#imp-status').textContent = t('imp.rows', { n: formatNumber(report.total_rows) });
}

main();
