// Sign-in shared by the registry and import pages: the same token and user the main map keeps in sessionStorage.
import { api, setToken, token } from './api.js';

const USER_KEY = 'resourcemap.user';

export function currentUser() {
  if (!token()) return null;
  try { return JSON.parse(sessionStorage.getItem(USER_KEY)); } catch { return null; }
}

export async function signIn(username, password) {
  const response = await api('/api/auth/token', { method: 'POST', body: { username, password } });
  setToken(response.access_token);
  sessionStorage.setItem(USER_KEY, JSON.stringify(response.user));
  return response.user;
}

export function signOut() {
  setToken(null);
  sessionStorage.removeItem(USER_KEY);
}

/** A small offline Leaflet map (the main map's basemap) in element `id`, centred on Vietnam. */
export async function smallMap(id, setupBasemap, attribution) {
  const map = L.map(id, { minZoom: 4, maxZoom: 18 }).setView([16.0, 106.5], 5);
  map.createPane('basemap').style.zIndex = 200;
  await setupBasemap(map, { attribution });
  return map;
}
