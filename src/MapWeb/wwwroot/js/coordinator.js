// Coordinator mode: sign in (POST /api/auth/token), record a need where the map is clicked or at a
// hardship village, see ranked matching teams with lines to the need and the reasons in words,
// propose an assignment, and list needs by status.
/* global L */
import { api, ApiError, token, setToken } from './api.js';
import { lang, t, tOr, formatNumber, formatDate } from './i18n.js';

const USER_KEY = 'resourcemap.user';
const STATUSES = ['open', 'proposed', 'accepted', 'in-progress', 'done', 'declined', 'cancelled'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CATEGORIES = ['housing', 'education', 'health', 'environment', 'digital', 'infrastructure', 'other'];

let ctx;
let overlay = null;   // lines and markers of the need on show
let user = null;

const $ = s => document.querySelector(s);
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}

export function canRecordNeeds() { return !!token() && user?.role === 'coordinator'; }

export function init(context) {
  ctx = context;
  try { user = JSON.parse(sessionStorage.getItem(USER_KEY)); } catch { user = null; }
  if (!token()) user = null;
  $('#login-btn').addEventListener('click', () => (user ? logout() : openLogin()));
  $('#login-form').addEventListener('submit', login);
  $('#login-cancel').addEventListener('click', () => $('#login-dialog').close());
  $('#coord-new-need').addEventListener('click', () => {
    ctx.setPicking(latlng => startNeed({ lon: latlng.lng, lat: latlng.lat }));
    announce(t('coord.pick_point'));
  });
  $('#coord-list').addEventListener('click', () => listNeeds($('#coord-status').value));
  $('#need-form').addEventListener('submit', saveNeed);
  $('#need-cancel').addEventListener('click', () => $('#need-dialog').close());
  const status = $('#coord-status');
  status.replaceChildren(...STATUSES.map(s => el('option', { value: s }, tOr(`status.${s}`, s))));
  renderUser();
}

function announce(message) { $('#status').textContent = message; }

function renderUser() {
  const button = $('#login-btn');
  button.textContent = user ? t('auth.logout') : t('auth.login');
  $('#user-name').textContent = user ? t('auth.as', { name: user.display_name ?? user.username, role: tOr(`role.${user.role}`, user.role) }) : '';
  $('#coord-section').hidden = !user;
  $('#coord-new-need').hidden = !canRecordNeeds();
}

function openLogin() {
  $('#login-error').textContent = '';
  $('#login-dialog').showModal();
  $('#login-username').focus();
}

async function login(e) {
  e.preventDefault();
  const username = $('#login-username').value.trim(), password = $('#login-password').value;
  try {
    const response = await api('/api/auth/token', { method: 'POST', body: { username, password } });
    setToken(response.access_token);
    user = response.user;
    sessionStorage.setItem(USER_KEY, JSON.stringify(user));
    $('#login-password').value = '';
    $('#login-dialog').close();
    renderUser();
    announce(t('auth.as', { name: user.display_name ?? user.username, role: tOr(`role.${user.role}`, user.role) }));
  } catch (error) {
    $('#login-error').textContent = error instanceof ApiError && (error.status === 404 || error.status === 405) ? t('auth.unavailable') : t('auth.failed');
  }
}

function logout() {
  setToken(null);
  sessionStorage.removeItem(USER_KEY);
  user = null;
  clearOverlay();
  renderUser();
}

export function clearOverlay() { overlay?.remove(); overlay = null; }

// ---------- recording a need ----------

export function startNeed({ lon, lat, village }) {
  const form = $('#need-form');
  form.reset();
  form.dataset.lon = lon;
  form.dataset.lat = lat;
  form.dataset.village = village?.id ?? '';
  $('#need-location').textContent = village
    ? `${t('coord.village')}: ${village.name} (${lat.toFixed(4)}, ${lon.toFixed(4)})`
    : `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
  const skills = $('#need-skills');
  skills.replaceChildren(...ctx.skills().map(s => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name: 'required_skills', value: s.code }), ' ', ctx.skillLabel(s.code))));
  $('#need-category').replaceChildren(...CATEGORIES.map(c => el('option', { value: c }, tOr(`category.${c}`, c))));
  $('#need-priority').replaceChildren(...PRIORITIES.map(p => el('option', { value: p, selected: p === 'normal' }, tOr(`priority.${p}`, p))));
  const today = new Date(), later = new Date(Date.now() + 30 * 86400000);
  $('#need-window-start').value = today.toISOString().slice(0, 10);
  $('#need-window-end').value = later.toISOString().slice(0, 10);
  $('#need-error').textContent = '';
  $('#need-dialog').showModal();
  $('#need-title').focus();
}

async function saveNeed(e) {
  e.preventDefault();
  const form = e.target;
  const data = new FormData(form);
  const body = {
    title: data.get('title').trim(),
    category: data.get('category'),
    required_skills: data.getAll('required_skills'),
    volunteers_needed: Number(data.get('volunteers_needed')),
    window_start: data.get('window_start'),
    window_end: data.get('window_end'),
    priority: data.get('priority'),
    public_summary: data.get('public_summary').trim(),
    restricted_details: data.get('restricted_notes').trim() ? { notes: data.get('restricted_notes').trim() } : {},
  };
  if (form.dataset.village) body.village_id = Number(form.dataset.village);
  else { body.lon = Number(form.dataset.lon); body.lat = Number(form.dataset.lat); }
  try {
    const need = await api('/api/needs', { method: 'POST', body });
    $('#need-dialog').close();
    announce(t('coord.saved', { id: need.id }));
    ctx.reload();
    showNeed(need.id);
  } catch (error) {
    const errors = error.problem?.errors ? Object.values(error.problem.errors).flat().join(' ') : '';
    $('#need-error').textContent = `${error.message} ${errors}`.trim();
  }
}

// ---------- a need with its ranked matches ----------

export async function showNeed(id) {
  ctx.showPanel(`#${id}`, el('p', { class: 'muted' }, t('loading')));
  let need, matches;
  try {
    [need, matches] = await Promise.all([api(`/api/needs/${id}`), api(`/api/needs/${id}/matches`).catch(() => ({ matches: [] }))]);
  } catch (error) {
    ctx.showPanel(`#${id}`, el('p', { class: 'error', role: 'alert' }, error.message));
    return;
  }
  const p = need.properties;
  const [lon, lat] = need.geometry.coordinates;
  clearOverlay();
  overlay = L.layerGroup().addTo(ctx.map);
  L.circleMarker([lat, lon], { radius: 11, color: '#6a1b9a', weight: 3, fillColor: '#fff', fillOpacity: 1 }).addTo(overlay)
    .bindTooltip(p.title, { permanent: false });

  const list = el('ol', { class: 'matches', 'aria-label': t('coord.matches') });
  const bounds = L.latLngBounds([[lat, lon]]);
  (matches.matches ?? []).forEach((m, i) => {
    const line = L.polyline([[m.lat, m.lon], [lat, lon]], { color: i === 0 ? '#1f5fa8' : '#5b7fa6', weight: i === 0 ? 4 : 2, opacity: 0.85, dashArray: i === 0 ? null : '6 4', className: 'match-line' }).addTo(overlay);
    L.circleMarker([m.lat, m.lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#1f5fa8', fillOpacity: 1 }).addTo(overlay)
      .bindTooltip(`${i + 1}. ${m.name}`, { permanent: i < 3, direction: 'right', className: 'match-label' });
    bounds.extend([m.lat, m.lon]);
    const reasons = lang === 'vi' ? (m.reasons_vi ?? m.reasons) : (m.reasons ?? m.reasons_vi);
    const reasonItems = (Array.isArray(reasons) ? reasons : String(reasons ?? '').split(/;\s*|\n/)).filter(Boolean);
    const volunteers = el('input', { type: 'number', min: '1', max: String(Math.max(1, m.free_capacity ?? 1)), value: String(Math.max(1, Math.min(m.free_capacity ?? 1, p.volunteers_needed ?? 1))), 'aria-label': `${t('coord.volunteers')} — ${m.name}`, class: 'volunteers' });
    const item = el('li', { class: 'match', 'data-team-id': m.team_id },
      el('div', { class: 'match-head' }, el('strong', {}, m.name), el('span', { class: 'score' }, t('coord.score', { s: Number(m.score).toFixed(2) }))),
      el('p', { class: 'match-facts' },
        t('coord.distance', { km: formatNumber(Math.round((m.distance_m ?? 0) / 100) / 10) }), ' · ',
        t('coord.coverage', { p: Math.round((m.skill_coverage ?? 0) * 100) }), ' · ',
        t('coord.free', { n: m.free_capacity ?? 0 })),
      m.skills_missing?.length ? el('p', { class: 'missing' }, t('coord.missing', { skills: m.skills_missing.map(ctx.skillLabel).join(', ') })) : null,
      el('ul', { class: 'reasons' }, reasonItems.map(r => el('li', {}, r))),
      canRecordNeeds() ? el('div', { class: 'match-actions' }, volunteers,
        el('button', { type: 'button', class: 'btn btn-primary', onclick: async ev => {
          ev.target.disabled = true;
          try {
            await api(`/api/needs/${id}/assignments`, { method: 'POST', body: { team_id: m.team_id, volunteers: Number(volunteers.value) } });
            announce(t('coord.proposed', { name: m.name }));
            showNeed(id);
          } catch (error) { announce(error.message); ev.target.disabled = false; }
        } }, t('coord.propose'))) : null);
    item.addEventListener('mouseenter', () => line.setStyle({ weight: 6 }));
    item.addEventListener('mouseleave', () => line.setStyle({ weight: i === 0 ? 4 : 2 }));
    list.append(item);
  });
  ctx.map.fitBounds(bounds.pad(0.2), { maxZoom: 12 });

  const assignments = (p.assignments ?? []).map(a => el('li', {},
    `${a.team_name ?? `#${a.team_id}`} — ${tOr(`status.${a.status}`, a.status)} (${a.volunteers ?? ''})`,
    a.status === 'proposed' && user ? el('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
      try { await api(`/api/needs/${id}/assignments/${a.id}/accept`, { method: 'POST', body: {} }); showNeed(id); } catch (error) { announce(error.message); }
    } }, t('coord.accept')) : null));
  const history = (p.history ?? p.status_history ?? []).map(h => el('li', {}, `${formatDate(h.at ?? h.changed_at)} — ${tOr(`status.${h.to ?? h.status}`, h.to ?? h.status)}${h.note ? `: ${h.note}` : ''}`));

  const facts = el('dl', { class: 'facts' });
  for (const [k, v] of [['status', tOr(`status.${p.status}`, p.status)], ['priority', tOr(`priority.${p.priority}`, p.priority)],
    ['category', tOr(`category.${p.category}`, p.category)], ['volunteers_needed', p.volunteers_needed],
    ['window_start', formatDate(p.window_start)], ['window_end', formatDate(p.window_end)],
    ['required_skills', (p.required_skills ?? []).map(ctx.skillLabel).join(', ')], ['public_summary', p.public_summary]]) {
    if (v !== undefined && v !== null && v !== '') facts.append(el('dt', {}, t(`field.${k}`)), el('dd', {}, String(v)));
  }
  if (p.restricted_details && Object.keys(p.restricted_details).length)
    facts.append(el('dt', {}, t('field.restricted_details')), el('dd', {}, Object.values(p.restricted_details).join('; ')));

  ctx.showPanel(p.title, el('article', { class: 'need', 'data-need-id': id },
    facts,
    el('h4', {}, t('coord.matches')),
    list.children.length ? list : el('p', { class: 'muted' }, t('coord.no_matches')),
    assignments.length ? [el('h4', {}, t('coord.assignments')), el('ul', {}, assignments)] : null,
    history.length ? [el('h4', {}, t('coord.history')), el('ul', { class: 'history' }, history)] : null));
}

async function listNeeds(status) {
  ctx.showPanel(t('coord.needs_by_status'), el('p', { class: 'muted' }, t('loading')));
  try {
    const data = await api(`/api/needs?status=${encodeURIComponent(status)}&limit=200`);
    const items = data.features.map(f => el('li', {},
      el('button', { type: 'button', class: 'link', onclick: () => showNeed(f.id) },
        `#${f.id} ${f.properties.title}`),
      el('small', {}, ` ${tOr(`priority.${f.properties.priority}`, f.properties.priority)} · ${formatDate(f.properties.window_start)}`)));
    ctx.showPanel(`${t('coord.needs_by_status')}: ${tOr(`status.${status}`, status)}`,
      items.length ? el('ul', { class: 'need-list' }, items) : el('p', { class: 'muted' }, t('coord.none')));
  } catch (error) {
    ctx.showPanel(t('coord.needs_by_status'), el('p', { class: 'error', role: 'alert' }, error.message));
  }
}
