// The shareable link: view, layers, filters, "near", the open feature and the language live in the URL hash.
import { state, FILTER_NAMES, VIETNAM } from './state.js';
import { lang } from '../i18n.js';

/** The language a shared link asks for (read before the strings load), or null. */
export function hashLanguage() {
  const wanted = new URLSearchParams(location.hash.replace(/^#/, '')).get('lang');
  return ['vi', 'en'].includes(wanted) ? wanted : null;
}

/** Reads the hash into state; returns the view it names (or the whole country). */
export function readHash() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const view = params.get('map')?.split('/').map(Number);
  if (params.has('layers')) state.layers = new Set(params.get('layers').split(',').filter(Boolean));
  for (const name of FILTER_NAMES) if (params.get(name)) state.filters[name] = params.get(name);
  const near = params.get('near')?.split(',').map(Number);
  const radius = Number(params.get('radius'));
  if (params.get('basemap')) state.basemapWanted = params.get('basemap');
  // feature=layer/id: the details panel the link was shared with.
  const [layer, id] = (params.get('feature') ?? '').split('/');
  if (layer && /^\d+$/.test(id ?? '')) state.openWanted = { layer, id: Number(id) };
  if (near?.length === 2 && near.every(Number.isFinite) && radius > 0) state.near = { lon: near[0], lat: near[1], radius };
  if (view?.length === 3 && view.every(Number.isFinite)) return { center: [view[1], view[2]], zoom: view[0] };
  return VIETNAM;
}

export function writeHash() {
  const map = state.map;
  if (!map) return;
  const c = map.getCenter();
  const params = new URLSearchParams();
  params.set('map', `${map.getZoom()}/${c.lat.toFixed(4)}/${c.lng.toFixed(4)}`);
  params.set('layers', [...state.layers].join(','));
  for (const [k, v] of Object.entries(state.filters)) if (v !== '' && v !== undefined) params.set(k, v);
  if (state.near) { params.set('near', `${state.near.lon.toFixed(5)},${state.near.lat.toFixed(5)}`); params.set('radius', state.near.radius); }
  // The basemap only once the user picked one (a link without it gets the deployment's default).
  if (state.basemapWanted) params.set('basemap', state.basemapWanted);
  if (state.opened) params.set('feature', `${state.opened.layer}/${state.opened.id}`);
  params.set('lang', lang);
  const hash = '#' + params.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
  if (hash !== location.hash) history.replaceState(null, '', location.pathname + location.search + hash);
}
