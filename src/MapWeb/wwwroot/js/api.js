// Fetch helpers and the signed-in session every page shares. Errors carry the RFC 9457 problem detail when
// the API sends one.
//
// Access tokens last minutes (expires_in). The refresh token (sessionStorage) is traded via POST /api/auth/refresh
// for a new pair shortly before the access token expires, and once more on a 401; then the request is repeated.
// Refresh tokens work once, so concurrent callers share one refresh.
const TOKEN_KEY = 'resourcemap.token';
const REFRESH_KEY = 'resourcemap.refresh';
const EXPIRES_KEY = 'resourcemap.expires';
const USER_KEY = 'resourcemap.user';
const AUTH_PATH = /^\/api\/auth\/(token|refresh|logout)$/; // these never need a refresh first

/** The page's language for the API: its problem details come back in it (Accept-Language). */
export function acceptLanguage() { return document.documentElement.lang || 'vi'; }

export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** One request, no refresh. */
export async function request(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json, application/geo+json, application/problem+json', 'Accept-Language': acceptLanguage() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const response = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** A request that keeps the session alive: refreshes before expiry, and once on a 401. */
export async function api(path, options) {
  const auth = AUTH_PATH.test(path);
  if (!auth) await refreshIfExpiring();
  try { return await request(path, options); } catch (error) {
    if (auth || !(error instanceof ApiError) || error.status !== 401 || !sessionStorage.getItem(REFRESH_KEY)) throw error;
    if (!(await refresh())) throw error;
    return request(path, options);
  }
}

/** For callers with their own fetch (multipart uploads with retries): refresh first when the token is about to expire. */
export async function refreshIfExpiring() {
  if (sessionStorage.getItem(REFRESH_KEY) && Date.now() > Number(sessionStorage.getItem(EXPIRES_KEY)) - 60000) await refresh();
}

let refreshing = null;
/** Trades the refresh token for a new pair; false when the session has ended. */
export function refresh() {
  if (!sessionStorage.getItem(REFRESH_KEY)) return Promise.resolve(false);
  refreshing ??= request('/api/auth/refresh', { method: 'POST', body: { refresh_token: sessionStorage.getItem(REFRESH_KEY) } })
    .then(r => { keepTokens(r); return true; })
    .catch(() => { sessionStorage.removeItem(REFRESH_KEY); return false; })
    .finally(() => { refreshing = null; });
  return refreshing;
}

function keepTokens(response) {
  setToken(response.access_token);
  if (response.refresh_token) sessionStorage.setItem(REFRESH_KEY, response.refresh_token);
  sessionStorage.setItem(EXPIRES_KEY, String(Date.now() + (response.expires_in ?? 0) * 1000));
}

/** Signs in; returns the account (POST /api/auth/token's `user`). */
export async function signIn(username, password) {
  const response = await request('/api/auth/token', { method: 'POST', body: { username, password } });
  keepTokens(response);
  sessionStorage.setItem(USER_KEY, JSON.stringify(response.user));
  return response.user;
}

/** Ends the session here and on the server (the refresh token is revoked). */
export function signOut() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  if (refreshToken) request('/api/auth/logout', { method: 'POST', body: { refresh_token: refreshToken } }).catch(() => {});
  for (const key of [REFRESH_KEY, EXPIRES_KEY, USER_KEY]) sessionStorage.removeItem(key);
  setToken(null);
}

/** The signed-in account, or null. */
export function currentUser() {
  if (!token()) return null;
  try { return JSON.parse(sessionStorage.getItem(USER_KEY)); } catch { return null; }
}
