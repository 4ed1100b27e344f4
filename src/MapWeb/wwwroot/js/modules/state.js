// The one shared state object and a small event bus. Every module reads and writes `state`;
// modules talk to each other through events (on/emit) rather than importing each other in circles.
//
// Events (detail in brackets):
//   layers-changed   [id]            a layer was switched on or off
//   filters-changed  []              state.filters or state.near changed: reload the data layers
//   layer-status     [{ id, value }] a layer finished loading (value: count in view, '' off, '!' failed)
//   view-changed     []              the map moved (after the debounce)
//   feature-opened   [{ layer, id }] the details panel shows a feature
//   panel-closed     []
//   state-changed    []              something the shareable link records changed

export const DEFAULT_DATA_LAYERS = ['teams', 'red-addresses', 'hardship-villages', 'border-areas', 'border-markers', 'needs', 'activities'];
export const DEFAULT_LAYERS = ['teams', 'red-addresses', 'hardship-villages', 'border-areas', 'border-markers', 'needs', 'admin'];
// Filters shown in the legend; each is sent only to the layers whose /api/layers entry declares it.
export const FILTER_NAMES = ['skill', 'type', 'rank', 'min_poverty', 'max_new_rural', 'extremely_difficult', 'admin'];
export const VIETNAM = { center: [16.0, 106.3], zoom: 6 };
export const DISTRICTS_DATE = '2025-06-30'; // the district level was abolished on 1 July 2025

export const state = {
  map: null,           // the L.Map
  layers: new Set(DEFAULT_LAYERS),   // ids switched on (data layers and 'admin')
  filters: {},         // filter name → value
  near: null,          // { lon, lat, radius }
  catalog: [],         // /api/layers
  vocab: {},           // /api/vocabularies: every code's labels
  skills: [],          // /api/skills
  picking: null,       // a function taking a latlng, when the next map click picks a point
  opened: null,        // { layer, id } shown in the details panel
  openWanted: null,    // { layer, id } the link asked to open
  config: null,        // /api/config: basemap sources, whether samples are loaded
  basemap: null,       // id of the basemap on show ('offline' or a configured source)
  basemapWanted: null, // the basemap the link asked for
};

/** The data layers, in the order /api/layers lists them (the built-in list until it has loaded). */
export function dataLayers() {
  const ids = state.catalog.map(l => l.id).filter(Boolean);
  return ids.length ? ids : DEFAULT_DATA_LAYERS;
}

const bus = new EventTarget();
export function on(name, handler) { bus.addEventListener(name, e => handler(e.detail)); }
export function emit(name, detail) { bus.dispatchEvent(new CustomEvent(name, { detail })); }
