// The registry and import pages: the main map's session (api.js) and a small map with the main map's basemaps.
import { api } from './api.js';
import { setupBasemap } from './modules/basemap.js';
import { state } from './modules/state.js';

export { currentUser, signIn, signOut } from './api.js';

/** A small Leaflet map in element `id`, centred on Vietnam, with the main map's basemaps (configured street
 * sources from /api/config, the shipped offline basemap as the fallback). */
export async function smallMap(id, attribution) {
  const map = L.map(id, { minZoom: 4, maxZoom: 18 }).setView([16.0, 106.5], 5);
  map.createPane('basemap').style.zIndex = 200;
  state.map = map;
  // Not awaited: the page wires its forms right after this returns, and a slow tile probe must not hold it.
  api('/api/config').catch(() => ({ basemaps: [] })).then(config => {
    state.config = config;
    return setupBasemap(map, { attribution, config });
  });
  return map;
}
