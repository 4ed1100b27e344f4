// The team registry page (registry.html): a coordinator registers a club, team or group by clicking its place on
// a small offline map (and optionally drawing a service area with plain clicks), edits it, deactivates it and reads
// its change history; a team lead sees and edits only their own team. Everything goes through /api/teams.
/* global L */
import { api, ApiError, token, refreshIfExpiring, acceptLanguage } from './api.js';
import { el } from './dom.js';
import { loadLanguage, t, tOr, lang, formatDate } from './i18n.js';
import { currentUser, signIn, signOut, smallMap } from './signin.js';

const $ = s => document.querySelector(s);
const TEXT_FIELDS = ['name', 'parent_unit', 'external_id', 'description', 'public_phone', 'public_email',
  'private_contact_name', 'private_phone', 'private_email'];

let map, marker = null, areaLayer = null, draftLayer = null;
let drawing = false, draft = [], area = null, location = null, editing = null;

function status(text) { $('#reg-status').textContent = text; }

function problemText(error) {
  if (error instanceof ApiError) {
    const errors = error.problem?.errors;
    return Array.isArray(errors) && errors.length ? errors.join(' ') : error.message;
  }
  return String(error?.message ?? error);
}

async function main() {
  await loadLanguage();
  $('#lang-toggle').addEventListener('click', () => { localStorage.setItem('resourcemap.lang', lang === 'vi' ? 'en' : 'vi'); window.location.reload(); });
  map = await smallMap('reg-map', t('attribution'));
  map.on('click', onMapClick);
  const skills = await api('/api/skills');
  $('#f-skills').replaceChildren(...skills.map(s => el('label', {},
    el('input', { type: 'checkbox', value: s.code, name: 'skills' }), lang === 'vi' ? s.label_vi : s.label_en)));
  $('#signin-form').addEventListener('submit', onSignIn);
  $('#signout-btn').addEventListener('click', () => { signOut(); render(); });
  $('#new-team').addEventListener('click', () => openForm(null));
  $('#team-search').addEventListener('input', debounce(listTeams, 300));
  $('#team-form').addEventListener('submit', save);
  $('#team-cancel').addEventListener('click', closeForm);
  $('#team-deactivate').addEventListener('click', toggleActive);
  $('#f-logo').addEventListener('change', uploadLogo);
  $('#logo-remove').addEventListener('click', removeLogo);
  $('#area-draw').addEventListener('click', startDrawing);
  $('#area-finish').addEventListener('click', finishDrawing);
  $('#area-clear').addEventListener('click', () => { area = null; draft = []; drawing = false; drawArea(); });
  await render();
}

function debounce(fn, ms) { let timer; return () => { clearTimeout(timer); timer = setTimeout(fn, ms); }; }

async function onSignIn(e) {
  e.preventDefault();
  try {
    await signIn($('#signin-username').value.trim(), $('#signin-password').value);
    $('#signin-password').value = '';
    $('#signin-error').textContent = '';
    await render();
  } catch (error) {
    $('#signin-error').textContent = error instanceof ApiError && error.status === 401 ? t('auth.failed') : problemText(error);
  }
}

async function render() {
  const user = currentUser();
  $('#signin-form').hidden = !!user;
  $('#signout-btn').hidden = !user;
  $('#team-list-section').hidden = !user;
  $('#user-name').textContent = user ? `${user.display_name ?? user.username} (${tOr(`role.${user.role}`, user.role)})` : '';
  if (!user) { closeForm(); status(t('reg.signin_needed')); return; }
  const coordinator = user.role === 'coordinator';
  $('#team-search-row').hidden = !coordinator;
  $('#new-team').hidden = !coordinator;
  status('');
  await listTeams();
}

/** A lead sees only their own team; a coordinator searches every team. */
async function listTeams() {
  const user = currentUser();
  if (!user) return;
  let teams;
  if (user.role === 'coordinator') {
    const q = $('#team-search').value.trim();
    const data = await api(`/api/layers/teams/features?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`);
    teams = data.features;
  } else {
    teams = user.team_id ? [await api(`/api/teams/${user.team_id}`)] : [];
  }
  $('#team-list').replaceChildren(...teams.map(f => el('li', { 'data-team-id': f.id },
    el('button', { type: 'button', class: 'link', onclick: () => edit(f.id) },
      `${f.properties.name}${f.properties.status === 'inactive' ? ` (${t('reg.inactive')})` : ''}`))));
  if (user.role !== 'coordinator' && teams.length === 1 && !editing) await edit(teams[0].id);
}

async function edit(id) {
  try { openForm(await api(`/api/teams/${id}`)); } catch (error) { status(problemText(error)); }
}

function openForm(feature) {
  editing = feature;
  const p = feature?.properties ?? {};
  $('#team-form').hidden = false;
  $('#team-form-title').textContent = feature ? t('reg.edit_title', { name: p.name }) : t('reg.new');
  $('#team-warnings').replaceChildren();
  $('#team-problem').hidden = true;
  for (const name of TEXT_FIELDS) $(`#f-${name}`).value = p[name] ?? '';
  $('#f-team_type').value = p.team_type ?? 'team';
  $('#f-members').value = p.members ?? 0;
  $('#f-capacity').value = p.capacity ?? 0;
  $('#f-radius').value = p.service_radius_m ? p.service_radius_m / 1000 : '';
  for (const box of document.querySelectorAll('#f-skills input')) box.checked = (p.skills ?? []).includes(box.value);
  location = feature ? { lon: feature.geometry.coordinates[0], lat: feature.geometry.coordinates[1] } : null;
  area = null; draft = []; drawing = false;
  drawLocation();
  drawArea();
  if (p.has_service_area) $('#area-status').textContent = t('reg.area.set');
  const deactivate = $('#team-deactivate');
  deactivate.hidden = !feature;
  deactivate.textContent = p.status === 'inactive' ? t('reg.reactivate') : t('reg.deactivate');
  $('#team-history').hidden = !feature || currentUser()?.role !== 'coordinator';
  if (feature && currentUser()?.role === 'coordinator') loadHistory(feature.id);
  showLogo();
  if (location) map.setView([location.lat, location.lon], 11);
}

function closeForm() {
  editing = null;
  $('#team-form').hidden = true;
  if (marker) { marker.remove(); marker = null; }
  area = null; draft = []; drawing = false; drawArea();
}

function onMapClick(e) {
  if ($('#team-form').hidden) return;
  const point = { lon: +e.latlng.lng.toFixed(6), lat: +e.latlng.lat.toFixed(6) };
  if (drawing) { draft.push([point.lon, point.lat]); drawArea(); return; }
  location = point;
  drawLocation();
}

function drawLocation() {
  if (marker) { marker.remove(); marker = null; }
  $('#f-location').textContent = location ? `${location.lat.toFixed(5)}, ${location.lon.toFixed(5)}` : t('reg.click_map');
  if (location) marker = L.circleMarker([location.lat, location.lon], { radius: 8, color: '#0b3d91', fillOpacity: 0.8 }).addTo(map);
}

function startDrawing() {
  drawing = true; draft = []; area = null;
  $('#area-finish').hidden = false;
  drawArea();
}

function finishDrawing() {
  drawing = false;
  $('#area-finish').hidden = true;
  if (draft.length >= 3) area = { type: 'Polygon', coordinates: [[...draft, draft[0]]] };
  draft = [];
  drawArea();
}

function drawArea() {
  if (areaLayer) { areaLayer.remove(); areaLayer = null; }
  if (draftLayer) { draftLayer.remove(); draftLayer = null; }
  if (area) areaLayer = L.geoJSON(area, { style: { color: '#b26a00', weight: 2, fillOpacity: 0.15 } }).addTo(map);
  if (draft.length) draftLayer = L.polyline(draft.map(([lon, lat]) => [lat, lon]), { color: '#b26a00', dashArray: '4 4' }).addTo(map);
  $('#area-finish').hidden = !drawing;
  $('#area-status').textContent = drawing ? t('reg.area.drawing', { n: draft.length }) : area ? t('reg.area.set') : '';
}

function body() {
  const b = {};
  for (const name of TEXT_FIELDS) {
    const value = $(`#f-${name}`).value.trim();
    if (value || editing) b[name] = value || (name === 'name' || name === 'parent_unit' ? value : null);
  }
  b.team_type = $('#f-team_type').value;
  b.members = Number($('#f-members').value || 0);
  b.capacity = Number($('#f-capacity').value || 0);
  const km = $('#f-radius').value;
  b.service_radius_m = km ? Math.round(Number(km) * 1000) : null;
  b.skills = [...document.querySelectorAll('#f-skills input:checked')].map(box => box.value);
  const [lon0, lat0] = editing?.geometry?.coordinates ?? [];
  if (location && !(location.lon === lon0 && location.lat === lat0)) b.location = location;
  if (area) b.service_area = area;
  if (!editing && b.service_radius_m === null) delete b.service_radius_m;
  return b;
}

async function save(e) {
  e.preventDefault();
  $('#team-problem').hidden = true;
  if (!location) { showProblem(t('reg.location_needed')); return; }
  try {
    const saved = editing
      ? await api(`/api/teams/${editing.id}`, { method: 'PATCH', body: body() })
      : await api('/api/teams', { method: 'POST', body: body() });
    const warnings = saved.warnings ?? [];
    openForm(saved);
    $('#team-warnings').replaceChildren(...warnings.map(w => el('p', {}, lang === 'vi' ? w.message_vi : w.message)));
    status(t('reg.saved', { name: saved.properties.name }));
    await listTeams();
  } catch (error) { showProblem(problemText(error)); }
}

function showProblem(text) {
  const p = $('#team-problem');
  p.textContent = text;
  p.hidden = false;
}

async function toggleActive() {
  if (!editing) return;
  const action = editing.properties.status === 'inactive' ? 'reactivate' : 'deactivate';
  try {
    openForm(await api(`/api/teams/${editing.id}/${action}`, { method: 'POST' }));
    status(t(`reg.${action}d`));
    await listTeams();
  } catch (error) { showProblem(problemText(error)); }
}

// ---------- logo or team photo (PUT/DELETE /api/teams/{id}/logo; the server strips EXIF) ----------

function showLogo(version = '') {
  const box = $('#logo-box'), img = $('#logo-img');
  box.hidden = !editing;
  $('#logo-status').textContent = '';
  $('#f-logo').value = '';
  img.hidden = true;
  $('#logo-remove').hidden = true;
  if (!editing) return;
  img.alt = t('reg.logo.alt', { name: editing.properties.name });
  img.onload = () => { img.hidden = false; $('#logo-remove').hidden = false; };
  img.onerror = () => { img.hidden = true; $('#logo-remove').hidden = true; };
  img.src = `/api/teams/${editing.id}/logo?size=thumb${version ? `&v=${version}` : ''}`;
}

async function uploadLogo() {
  const file = $('#f-logo').files[0];
  if (!editing || !file) return;
  const form = new FormData();
  form.append('file', file, file.name);
  $('#logo-status').textContent = t('reg.logo.sending');
  try {
    await refreshIfExpiring();
    const response = await fetch(`/api/teams/${editing.id}/logo`, { method: 'PUT', body: form, headers: { Authorization: `Bearer ${token()}`, 'Accept-Language': acceptLanguage() } });
    const problem = response.ok ? null : await response.json().catch(() => null);
    if (!response.ok) throw new ApiError(response.status, problem);
    showLogo(Date.now());
    $('#logo-status').textContent = t('reg.logo.saved');
  } catch (error) { $('#logo-status').textContent = problemText(error); }
}

async function removeLogo() {
  if (!editing) return;
  try {
    await api(`/api/teams/${editing.id}/logo`, { method: 'DELETE' });
    showLogo(Date.now());
    $('#logo-status').textContent = t('reg.logo.removed');
  } catch (error) { $('#logo-status').textContent = problemText(error); }
}

async function loadHistory(id) {
  try {
    const { history } = await api(`/api/teams/${id}/history`);
    $('#team-history-list').replaceChildren(...history.map(h => el('li', {},
      `${formatDate(h.changed_at)} — ${h.changed_by}: ${tOr(`reg.action.${h.action}`, h.action)} (${Object.keys(h.changes ?? {}).join(', ')})`)));
  } catch { $('#team-history-list').replaceChildren(); }
}

main();
