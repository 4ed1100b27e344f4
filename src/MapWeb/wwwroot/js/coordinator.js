// Coordinator mode against the needs/matching API (docs/needs-and-matching.md): sign in
// (POST /api/auth/token), record a need where the map is clicked or at a hardship village (village_id),
// see ranked matching teams with lines to the need and the reasons in words, propose a team, accept the
// proposal, move the need along the transitions the API offers (next_statuses), and list needs by status.
/* global L */
import { api, ApiError, token, signIn, signOut, currentUser } from './api.js';
import { el } from './dom.js';
import { visiblePadding } from './modules/panel.js';
import { codeLabel, codes } from './modules/labels.js';
import { lang, t, tOr, formatNumber, formatDate } from './i18n.js';

// Statuses, priorities and categories are the API's vocabularies (/api/vocabularies), in their order.

let ctx;
let overlay = null;   // lines and markers of the need on show
let user = null;

const $ = s => document.querySelector(s);

export function canRecordNeeds() { return !!token() && user?.role === 'coordinator'; }
export function signedIn() { return !!token() && !!user; }

export function init(context) {
  ctx = context;
  user = currentUser();
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
  status.replaceChildren(...codes('need_status').map(s => el('option', { value: s }, codeLabel('need_status', s))));
  renderUser();
}

function announce(message) { $('#status').textContent = message; }

// Sessions (short-lived access tokens, refresh) live in api.js; `api` is re-exported for pages and tests.
export { api };

// ---------- API problems as readable messages ----------

/** One line for an error: the problem's detail (its validation errors listed), or a plain-language fallback. */
export function problemText(error) {
  if (!(error instanceof ApiError)) return t('error.network');
  const p = error.problem;
  if (Array.isArray(p?.errors) && p.errors.length) return p.errors.join(' ');
  if (p?.detail) return p.detail;
  return tOr(`error.http.${error.status}`, t('error.http', { status: error.status }));
}

/** A 400's errors as a list, anything else as one paragraph, with a title saying what kind of problem it is. */
function problemView(error) {
  const p = error instanceof ApiError ? error.problem : null;
  const kind = error instanceof ApiError ? tOr(`error.http.${error.status}`, p?.title ?? t('error.http', { status: error.status })) : t('error.network');
  const box = el('div', { class: 'problem', role: 'alert', 'data-status': error instanceof ApiError ? error.status : 'network' },
    el('strong', {}, kind));
  if (Array.isArray(p?.errors) && p.errors.length) box.append(el('ul', {}, p.errors.map(e => el('li', {}, e))));
  else if (p?.detail) box.append(el('p', {}, p.detail));
  return box;
}

/** A 401 while signed in, after a refresh was tried, means the session ended (signed out, expired, or the account changed). */
function sessionExpired(error) {
  if (!(error instanceof ApiError) || error.status !== 401 || !user) return false;
  logout();
  announce(t('auth.expired'));
  openLogin();
  $('#login-error').textContent = t('auth.expired');
  return true;
}

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
    user = await signIn(username, password);
    $('#login-password').value = '';
    $('#login-dialog').close();
    renderUser();
    announce(t('auth.as', { name: user.display_name ?? user.username, role: tOr(`role.${user.role}`, user.role) }));
  } catch (error) {
    $('#login-error').textContent = error instanceof ApiError && (error.status === 404 || error.status === 405) ? t('auth.unavailable')
      : error instanceof ApiError && error.status === 401 ? t('auth.failed') : problemText(error);
  }
}

function logout() {
  signOut();
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
  $('#need-category').replaceChildren(...codes('need_category').map(c => el('option', { value: c }, codeLabel('need_category', c))));
  $('#need-priority').replaceChildren(...codes('priority').map(p => el('option', { value: p, selected: p === 'normal' }, codeLabel('priority', p))));
  // The browser's own calendar day, not UTC's (before 07:00 in Vietnam, UTC is still yesterday).
  const day = offsetDays => { const d = new Date(Date.now() + offsetDays * 86400000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 10); };
  $('#need-window-start').value = day(0);
  $('#need-window-end').value = day(30);
  $('#need-error').replaceChildren();
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
    if (sessionExpired(error)) { $('#need-dialog').close(); return; }
    $('#need-error').replaceChildren(problemView(error));
  }
}

// ---------- a need with its ranked matches ----------

const LIVE = new Set(['open', 'proposed']);   // the statuses in which teams can be proposed

function reasonsText(m) {
  const text = lang === 'vi' ? (m.reasons_vi ?? m.reasons) : (m.reasons ?? m.reasons_vi);
  return Array.isArray(text) ? text : String(text ?? '').split(/\s+·\s+/).filter(Boolean);
}

/** The API scores 0–100 (docs/needs-and-matching.md): shown as a whole number out of 100. */
function scoreText(score) { return t('coord.score', { s: formatNumber(Math.round(Number(score))) }); }

function detailsText(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(detailsText).join('; ');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k.replaceAll('_', ' ')}: ${detailsText(v)}`).join(', ');
  return String(value);
}

function mayDecide(assignment) {
  return user?.role === 'coordinator' || (user?.role === 'team-lead' && user.team_id === assignment.team_id);
}

function mayMove(p, to) {
  if (user?.role === 'coordinator') return true;
  return user?.role === 'team-lead' && (to === 'in-progress' || to === 'done')
    && (p.assignments ?? []).some(a => a.status === 'accepted' && a.team_id === user.team_id);
}

/** Runs a write; on failure shows the problem in the panel's alert area instead of a silent console error. */
async function act(id, button, request, success) {
  const problem = $('#panel .need-problem');
  problem?.replaceChildren();
  if (button) button.disabled = true;
  try {
    await request();
    if (success) announce(success);
    await showNeed(id);
  } catch (error) {
    if (button) button.disabled = false;
    if (sessionExpired(error)) return;
    if (!problem) { announce(problemText(error)); return; }
    problem.replaceChildren(problemView(error));
    // The panel scrolls (a bottom sheet on phones): the message would otherwise land out of sight.
    problem.scrollIntoView({ block: 'nearest' });
  }
}

/**
 * No team reaches the need with a free place in its window: say so, and offer what a coordinator does next — active
 * teams within 100 km to ask directly (outside their declared reach), the next 30 days' matches, and the planner.
 */
function noMatchNextSteps(p, lon, lat) {
  const box = el('div', { class: 'no-match' }, el('p', {}, t('coord.no_matches')), el('p', { class: 'muted' }, t('coord.next_steps')));
  const nearby = el('ul', { class: 'nearby-teams' });
  const later = el('p', { class: 'muted later-matches' });
  box.append(el('h5', {}, t('coord.nearby_title')), nearby, later,
    el('p', {}, el('a', { href: `planner.html`, class: 'planner-link' }, t('coord.open_planner'))));
  const skills = (p.required_skills ?? []).join(',');
  const query = new URLSearchParams({ near: `${lon},${lat}`, radius_m: '100000', status: 'active', limit: '50' });
  api(`/api/layers/teams/features?${query}`).then(data => {
    const teams = data.features.map(f => ({ f, km: distanceKm(lat, lon, f.geometry.coordinates[1], f.geometry.coordinates[0]) }))
      .sort((a, b) => a.km - b.km).slice(0, 5);
    nearby.replaceChildren(...(teams.length ? teams.map(({ f, km }) => el('li', { 'data-team-id': f.id },
      el('strong', {}, f.properties.name), ` · ${t('coord.km_away', { km: formatNumber(km, 1) })}`,
      f.properties.public_phone ? ` · ${f.properties.public_phone}` : '')) : [el('li', { class: 'muted' }, t('coord.no_nearby'))]));
  }).catch(() => nearby.replaceChildren(el('li', { class: 'muted' }, t('coord.no_nearby'))));
  // The same place, skills and window length 30 days later: a later date may find a team with a free place.
  const shift = value => new Date(Date.parse(value) + 30 * 86400000).toISOString().slice(0, 10);
  const from = shift(p.window_start), to = shift(p.window_end ?? p.window_start);
  const volunteers = Math.max(1, p.volunteers_needed ?? 1);
  api(`/api/matches?lon=${lon}&lat=${lat}&from=${from}&to=${to}&volunteers=${volunteers}&limit=10${skills ? `&skills=${encodeURIComponent(skills)}` : ''}`)
    .then(r => { later.textContent = r.matches?.length ? t('coord.later_matches', { n: r.matches.length, date: formatDate(from) }) : t('coord.no_later_matches', { date: formatDate(from) }); })
    .catch(() => { later.textContent = ''; });
  return box;
}

function distanceKm(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(a));
}

export async function showNeed(id) {
  ctx.showPanel(`#${id}`, el('p', { class: 'muted' }, t('loading')));
  let need, matches = null;
  try {
    need = await api(`/api/needs/${id}`);
    if (LIVE.has(need.properties.status)) matches = await api(`/api/needs/${id}/matches?limit=10`);
  } catch (error) {
    ctx.showPanel(`#${id}`, problemView(error));
    return;
  }
  const p = need.properties;
  const [lon, lat] = need.geometry.coordinates;
  clearOverlay();
  overlay = L.layerGroup().addTo(ctx.map);
  L.circleMarker([lat, lon], { radius: 11, color: '#6a1b9a', weight: 3, fillColor: '#fff', fillOpacity: 1, className: 'need-point' }).addTo(overlay)
    .bindTooltip(el('span', {}, String(p.title)), { permanent: false }); // an element, not HTML text
  const bounds = L.latLngBounds([[lat, lon]]);

  // Status, with the manual transitions the API offers from here.
  const note = el('input', { type: 'text', class: 'transition-note', maxlength: '1000', 'aria-label': t('coord.note'), placeholder: t('coord.note') });
  // Forward first (the vocabulary's order: open … done), declining and cancelling last.
  const order = codes('need_status');
  const moves = (p.next_statuses ?? []).filter(to => mayMove(p, to)).sort((a, b) => order.indexOf(a) - order.indexOf(b)).map(to => el('button', {
    type: 'button', class: `btn btn-small${to === 'cancelled' || to === 'declined' ? ' btn-danger' : ''}`, 'data-to': to,
    onclick: ev => act(id, ev.currentTarget, () => api(`/api/needs/${id}/transitions`, { method: 'POST', body: { to, note: note.value.trim() || null } }),
      t('coord.moved', { status: codeLabel('need_status', to) })),
  }, t('coord.move_to', { status: codeLabel('need_status', to) })));
  const statusBox = el('div', { class: 'need-status' },
    el('p', {}, `${t('field.status')}: `, el('strong', { class: `status-badge status-${p.status}`, 'data-status': p.status }, codeLabel('need_status', p.status))),
    el('p', { class: 'muted volunteers-line' }, t('coord.volunteers_line', { needed: p.volunteers_needed, proposed: p.volunteers_proposed ?? 0, accepted: p.volunteers_accepted ?? 0 })),
    moves.length && user ? el('div', { class: 'transitions' }, note, moves) : null);

  const facts = el('dl', { class: 'facts' });
  for (const [k, v] of [['priority', codeLabel('priority', p.priority)],
    ['category', codeLabel('need_category', p.category)], ['volunteers_needed', p.volunteers_needed],
    ['window_start', formatDate(p.window_start)], ['window_end', formatDate(p.window_end)],
    ['required_skills', (p.required_skills ?? []).map(ctx.skillLabel).join(', ')], ['public_summary', p.public_summary]]) {
    if (v !== undefined && v !== null && v !== '') facts.append(el('dt', {}, t(`field.${k}`)), el('dd', {}, String(v)));
  }
  // The API sends restricted_details only to coordinators (and the accepted team's lead); shown only when signed in.
  if (user && p.restricted_details && Object.keys(p.restricted_details).length)
    facts.append(el('dt', {}, t('field.restricted_details')), el('dd', { class: 'restricted' }, detailsText(p.restricted_details)));

  // Ranked teams, with a line from each to the need.
  let matchSection = null;
  if (matches) {
    const stillNeeded = matches.volunteers_still_needed ?? p.volunteers_needed ?? 1;
    const list = el('ol', { class: 'matches', 'aria-label': t('coord.matches') });
    (matches.matches ?? []).forEach((m, i) => {
      const line = L.polyline([[m.lat, m.lon], [lat, lon]], { color: i === 0 ? '#1f5fa8' : '#5b7fa6', weight: i === 0 ? 4 : 2, opacity: 0.85, dashArray: i === 0 ? null : '6 4', className: 'match-line' }).addTo(overlay);
      L.circleMarker([m.lat, m.lon], { radius: 7, color: '#fff', weight: 2, fillColor: '#1f5fa8', fillOpacity: 1 }).addTo(overlay)
        .bindTooltip(el('span', {}, `${i + 1}. ${m.name}`), { permanent: i < 3, direction: 'right', className: 'match-label' });
      bounds.extend([m.lat, m.lon]);
      const max = Math.max(1, Math.min(m.free_capacity ?? 1, stillNeeded));
      const volunteers = el('input', { type: 'number', min: '1', max: String(max), value: String(max), 'aria-label': `${t('coord.volunteers')} — ${m.name}`, class: 'volunteers' });
      const item = el('li', { class: 'match', 'data-team-id': m.team_id },
        el('div', { class: 'match-head' }, el('strong', {}, m.name),
          el('span', { class: 'score', title: t('coord.score_hint') }, scoreText(m.score))),
        m.skills_missing?.length ? el('p', { class: 'missing' }, t('coord.missing', { skills: m.skills_missing.map(ctx.skillLabel).join(', ') })) : null,
        el('ul', { class: 'reasons' }, reasonsText(m).map(r => el('li', {}, r))),
        canRecordNeeds() ? el('div', { class: 'match-actions' }, volunteers,
          el('button', { type: 'button', class: 'btn btn-primary propose', onclick: ev => act(id, ev.currentTarget,
            () => api(`/api/needs/${id}/assignments`, { method: 'POST', body: { team_id: m.team_id, volunteers: Number(volunteers.value) } }),
            t('coord.proposed', { name: m.name })) }, t('coord.propose'))) : null);
      item.addEventListener('mouseenter', () => line.setStyle({ weight: 6 }));
      item.addEventListener('mouseleave', () => line.setStyle({ weight: i === 0 ? 4 : 2 }));
      list.append(item);
    });
    matchSection = [el('h4', {}, t('coord.matches')), list.children.length ? list : noMatchNextSteps(p, lon, lat)];
  }
  // The lines to the matched teams stay in the part of the map the panel (a bottom sheet on a phone) leaves free.
  ctx.map.fitBounds(bounds.pad(0.2), { maxZoom: 12, ...visiblePadding() });

  const assignments = (p.assignments ?? []).map(a => el('li', { class: 'assignment', 'data-assignment-id': a.id, 'data-status': a.status },
    `${a.team_name ?? `#${a.team_id}`} — ${codeLabel('assignment_status', a.status)} · ${t('coord.people', { n: a.volunteers ?? '' })}`,
    a.status === 'proposed' && mayDecide(a) ? el('span', { class: 'assignment-actions' },
      el('button', { type: 'button', class: 'btn btn-small btn-primary accept', onclick: ev => act(id, ev.currentTarget,
        () => api(`/api/needs/${id}/assignments/${a.id}/accept`, { method: 'POST', body: {} }), t('coord.accepted', { name: a.team_name })) }, t('coord.accept')),
      el('button', { type: 'button', class: 'btn btn-small decline', onclick: ev => act(id, ev.currentTarget,
        () => api(`/api/needs/${id}/assignments/${a.id}/decline`, { method: 'POST', body: {} }), t('coord.declined', { name: a.team_name })) }, t('coord.decline'))) : null));
  const history = (p.status_history ?? []).map(h => el('li', {},
    `${formatDateTime(h.at)} — ${h.from ? `${codeLabel('need_status', h.from)} → ` : ''}${codeLabel('need_status', h.to)}`,
    h.by ? el('small', {}, ` (${h.by})`) : null, h.note ? `: ${h.note}` : null));

  ctx.showPanel(p.title, el('article', { class: 'need', 'data-need-id': id, 'data-status': p.status },
    statusBox,
    el('div', { class: 'need-problem', 'aria-live': 'assertive' }),
    facts,
    matchSection,
    assignments.length ? [el('h4', {}, t('coord.assignments')), el('ul', { class: 'assignments' }, assignments)] : null,
    history.length ? [el('h4', {}, t('coord.history')), el('ol', { class: 'history' }, history)] : null));
}

function formatDateTime(value) {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return formatDate(value);
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

async function listNeeds(status) {
  ctx.showPanel(t('coord.needs_by_status'), el('p', { class: 'muted' }, t('loading')));
  try {
    const data = await api(`/api/needs?status=${encodeURIComponent(status)}&limit=200`);
    const items = data.features.map(f => el('li', { 'data-need-id': f.id },
      el('button', { type: 'button', class: 'link', onclick: () => showNeed(f.id) },
        `#${f.id} ${f.properties.title}`),
      el('small', {}, ` ${codeLabel('priority', f.properties.priority)} · ${formatDate(f.properties.window_start)}`)));
    ctx.showPanel(`${t('coord.needs_by_status')}: ${codeLabel('need_status', status)}`,
      el('div', {},
        items.length ? el('ul', { class: 'need-list' }, items) : el('p', { class: 'muted' }, t('coord.none')),
        data.links?.some(l => l.rel === 'next') ? el('p', { class: 'muted' }, t('coord.more')) : null));
  } catch (error) {
    ctx.showPanel(t('coord.needs_by_status'), problemView(error));
  }
}
