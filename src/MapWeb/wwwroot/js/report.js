// "Báo cáo nhanh": a quick report with photos from a phone, made to survive a poor connection.
// Each report is a draft in IndexedDB (photos included) until the server has it all; every request carries an
// Idempotency-Key derived from the draft, so retrying after a lost response never records anything twice.
import { token, signIn, refresh, refreshIfExpiring, acceptLanguage } from './api.js';
import { loadLanguage, t } from './i18n.js';
import { readExif } from './exif.js';

const $ = (id) => document.getElementById(id);
const DB_NAME = 'resourcemap-reports';
const STORE = 'drafts';
let campaigns = [];
let photos = [];          // File objects picked for the current form
let sending = false;

// ---- drafts in IndexedDB ---------------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
async function tx(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(STORE, mode);
    const result = fn(transaction.objectStore(STORE));
    transaction.oncomplete = () => resolve(result.result ?? result);
    transaction.onerror = () => reject(transaction.error);
  });
}
const saveDraft = (draft) => tx('readwrite', (s) => s.put(draft));
const deleteDraft = (key) => tx('readwrite', (s) => s.delete(key));
const allDrafts = () => tx('readonly', (s) => s.getAll());

// ---- network with retries ----------------------------------------------------------------------

class HttpError extends Error {
  constructor(status, problem) { super(problem?.detail || problem?.title || `HTTP ${status}`); this.status = status; this.problem = problem; }
}

/** fetch with the bearer token; network failures and 5xx are retried with back-off, 4xx are not. */
async function send(path, { method = 'POST', json, form, key } = {}) {
  await refreshIfExpiring(); // a draft sent hours later still goes with a live token
  const headers = { Accept: 'application/json, application/problem+json', 'Accept-Language': acceptLanguage() };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (key) headers['Idempotency-Key'] = key;
  let refreshed = false;
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  let lastError;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 400 * 2 ** (attempt - 1)));
    let response;
    try {
      response = await fetch(path, { method, headers, body: json !== undefined ? JSON.stringify(json) : form });
    } catch (e) {
      lastError = e; // connection lost: try again with the same key
      continue;
    }
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (response.ok) return data;
    lastError = new HttpError(response.status, data);
    // Once on a 401: the access token ran out while offline; trade the refresh token and resend with the same key.
    if (response.status === 401 && !refreshed && await refresh()) {
      refreshed = true;
      headers.Authorization = `Bearer ${token()}`;
      attempt--;
      continue;
    }
    if (response.status < 500) throw lastError;
  }
  throw lastError;
}

/** Sends one draft step by step, recording progress in the draft after each step. */
async function sendDraft(draft) {
  if (!draft.activityId) {
    const activity = await send('/api/activities', { json: draft.body, key: draft.key });
    draft.activityId = activity.id;
    await saveDraft(draft);
  }
  for (const [i, photo] of draft.photos.entries()) {
    if (photo.done) continue;
    const form = new FormData();
    form.append('file', photo.blob, photo.name);
    await send(`/api/activities/${draft.activityId}/photos`, { form, key: `${draft.key}-p${i}` });
    photo.done = true;
    await saveDraft(draft);
  }
  try {
    await send(`/api/activities/${draft.activityId}/transitions`, { json: { to: 'submitted' } });
  } catch (e) {
    // A lost response to an earlier attempt: the activity is already submitted.
    if (!(e instanceof HttpError && e.status === 409)) throw e;
    const current = await send(`/api/activities/${draft.activityId}`, { method: 'GET' });
    if (current.status === 'draft' || current.status === 'returned') throw e;
  }
  await deleteDraft(draft.key);
}

// ---- the form ----------------------------------------------------------------------------------

function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

function setPlace(lat, lon, source) {
  $('lat').value = lat.toFixed(6);
  $('lon').value = lon.toFixed(6);
  $('place-source').textContent = source;
}

async function onPhotos() {
  photos = [...$('photo').files];
  const previews = $('previews');
  previews.replaceChildren(...photos.map((f) => Object.assign(document.createElement('img'), { src: URL.createObjectURL(f), alt: f.name })));
  for (const file of photos) {
    const exif = await readExif(file);
    if (exif.takenAt) $('date').value = exif.takenAt;
    if (exif.lat !== undefined) { setPlace(exif.lat, exif.lon, t('report.place.photo')); break; }
  }
}

function locate() {
  if (!navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(
    (p) => { if (!$('lat').value) setPlace(p.coords.latitude, p.coords.longitude, t('report.place.gps')); },
    () => { $('place-source').textContent = t('report.place.none'); },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
}

function fillOutputs() {
  const campaign = campaigns.find((c) => String(c.id) === $('campaign').value);
  const codes = (campaign?.indicators ?? []).filter((i) => !['activities', 'participants', 'volunteer_hours', 'beneficiaries', 'money_vnd'].includes(i.code));
  const options = codes.length ? codes.map((i) => [i.code, `${i.label} (${i.measure_unit})`]) : [['trees_planted', t('report.output.trees')]];
  $('output-code').replaceChildren(...options.map(([value, label]) => Object.assign(document.createElement('option'), { value, textContent: label })));
}

async function onSubmit(event) {
  event.preventDefault();
  if (sending) return;
  $('report-error').textContent = '';
  const lat = Number($('lat').value), lon = Number($('lon').value);
  const errors = [];
  if (!$('name').value.trim()) errors.push(t('report.error.name'));
  if (!$('date').value) errors.push(t('report.error.date'));
  if (!$('lat').value || !$('lon').value || !Number.isFinite(lat) || !Number.isFinite(lon)) errors.push(t('report.error.place'));
  if (errors.length) { $('report-error').textContent = errors.join(' '); return; }
  const body = { name: $('name').value.trim(), started_on: $('date').value, lat, lon };
  if ($('campaign').value) body.campaign_id = Number($('campaign').value);
  if ($('participants').value) body.participants = Number($('participants').value);
  if ($('output-qty').value) body.outputs = { [$('output-code').value]: Number($('output-qty').value) };
  if ($('description').value.trim()) body.description = $('description').value.trim();
  const draft = {
    key: crypto.randomUUID(), createdAt: new Date().toISOString(), body,
    photos: photos.map((f) => ({ name: f.name, type: f.type, blob: f, done: false })),
  };
  await saveDraft(draft); // kept on the phone before the first byte leaves it
  $('report-form').reset();
  $('previews').replaceChildren();
  photos = [];
  $('date').value = today();
  await trySend(draft);
}

async function trySend(draft) {
  sending = true;
  $('send').disabled = true;
  $('report-status').textContent = t('report.sending');
  try {
    await sendDraft(draft);
    $('report-status').textContent = t('report.sent');
  } catch (e) {
    $('report-status').textContent = '';
    $('report-error').textContent = e instanceof HttpError ? e.message : t('report.offline');
  } finally {
    sending = false;
    $('send').disabled = false;
    await showDrafts();
  }
}

async function showDrafts() {
  const drafts = await allDrafts();
  $('drafts-card').hidden = drafts.length === 0;
  $('drafts').replaceChildren(...drafts.map((d) => {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = `${d.body.name} · ${d.body.started_on} · ${d.photos.length} ${t('report.photos.count')}`;
    const retry = Object.assign(document.createElement('button'), { type: 'button', className: 'btn', textContent: t('report.retry') });
    retry.addEventListener('click', () => trySend(d));
    li.append(label, retry);
    return li;
  }));
}

async function login(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  try {
    await signIn($('login-username').value, $('login-password').value);
    await start();
  } catch (e) {
    $('login-error').textContent = e.message;
  }
}

async function start() {
  const signedIn = !!token();
  $('login-card').hidden = signedIn;
  $('report-form').hidden = !signedIn;
  if (!signedIn) return;
  try {
    campaigns = await send(`/api/campaigns?active_on=${today()}`, { method: 'GET' }) ?? [];
  } catch { campaigns = []; }
  $('campaign').replaceChildren($('campaign').options[0],
    ...campaigns.map((c) => Object.assign(document.createElement('option'), { value: c.id, textContent: c.name })));
  fillOutputs();
  await showDrafts();
  // Drafts left from a lost connection are sent again as soon as the page is back online.
  for (const draft of await allDrafts()) if (!sending) await trySend(draft);
}

await loadLanguage();
$('date').value = today();
$('photo').addEventListener('change', onPhotos);
$('campaign').addEventListener('change', fillOutputs);
$('locate').addEventListener('click', locate);
$('report-form').addEventListener('submit', onSubmit);
$('login-form').addEventListener('submit', login);
window.addEventListener('online', async () => { for (const d of await allDrafts()) if (!sending) await trySend(d); });
document.body.classList.add('ready');
await start();
