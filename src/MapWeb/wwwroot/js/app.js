// The public web map's entry point. Each concern lives in its own module under modules/ and shares
// one state object and an event bus (modules/state.js):
//   map and layers   modules/layers.js, modules/admin.js, modules/basemap.js, symbols.js
//   legend, filters  modules/legend.js (built from /api/layers)
//   search           modules/search.js
//   popups, panel    modules/panel.js, modules/labels.js
//   URL state        modules/urlstate.js
//   coordinator      coordinator.js
//   planner          planner.html + planner.js (its own page, linked from the header)
//   map tools        modules/tools.js (share, locate me, list in view + CSV, coordinates, sample badge)
// This file only creates the map, loads the catalog and wires the events together.
/* global L */
import { api } from './api.js';
import { $ } from './dom.js';
import { loadLanguage, lang, t } from './i18n.js';
import * as coordinator from './coordinator.js';
import { state, on, emit, dataLayers } from './modules/state.js';
import { readHash, writeHash, hashLanguage } from './modules/urlstate.js';
import { createLayerGroups, loadLayer, loadAll } from './modules/layers.js';
import { setupAdmin, refreshAdmin } from './modules/admin.js';
import { buildLegend, buildFilters, wireFilters, setNear } from './modules/legend.js';
import { wireSearch } from './modules/search.js';
import { showPanel, openDetails, wirePanel } from './modules/panel.js';
import { skillLabel } from './modules/labels.js';
import { wireShell } from './modules/shell.js';
import { setupBasemap } from './modules/basemap.js';
import { setupTools } from './modules/tools.js';

function wireEvents() {
  on('layers-changed', id => { if (id === 'admin') refreshAdmin(); else loadLayer(id); writeHash(); });
  on('filters-changed', () => { loadAll(); writeHash(); });
  on('view-changed', () => { loadAll(); refreshAdmin(); writeHash(); });
  on('state-changed', () => writeHash());
  on('feature-opened', () => writeHash());
  on('panel-closed', () => writeHash());
}

async function start() {
  await loadLanguage(hashLanguage());
  const view = readHash();
  // Leaflet's own controls speak the page's language (its popup close button is hard-coded "Close popup").
  const map = L.map('map', { zoomControl: false, keyboard: true, attributionControl: true, minZoom: 3, maxZoom: 19, worldCopyJump: false })
    .setView(view.center, view.zoom);
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  // Leaflet puts its controls after the panes, so Tab reached every marker before the zoom buttons and map tools.
  // Controls first in the document; on screen nothing moves (both are positioned, the controls above).
  map.getContainer().prepend(map.getContainer().querySelector('.leaflet-control-container'));
  map.on('popupopen', e => e.popup.getElement()?.querySelector('.leaflet-popup-close-button')?.setAttribute('aria-label', t('map.close_popup')));
  state.map = map;
  map.getContainer().setAttribute('aria-label', t('map.label'));
  map.attributionControl.setPrefix(false);
  map.createPane('basemap').style.zIndex = 200;
  map.createPane('admin').style.zIndex = 350;

  [state.catalog, state.skills, state.vocab, state.config] = await Promise.all([
    api('/api/layers').catch(() => []),
    api('/api/skills').catch(() => []),
    api('/api/vocabularies').catch(() => ({})),
    api('/api/config').catch(() => ({ basemaps: [] })),
  ]);
  // Not awaited: markers load while a tile source is probed.
  setupBasemap(map, { attribution: t('attribution'), config: state.config, wanted: state.basemapWanted });
  createLayerGroups(); // one per layer /api/layers lists (points clustered, shapes not)
  wireEvents();
  buildLegend();
  loadAll(); // markers first: boundaries, filters and tools must not hold up the first render
  const provinces = await setupAdmin();
  buildFilters(provinces);
  wireFilters();
  wireSearch();
  wirePanel();
  wireShell();
  setupTools(map);
  L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
  if (state.near) setNear(state.near);

  $('#lang-toggle').addEventListener('click', async () => {
    await loadLanguage(lang === 'vi' ? 'en' : 'vi');
    writeHash(); // the link names the language too
    location.reload();
  });

  let moveTimer = null;
  map.on('moveend', () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(() => emit('view-changed'), 120);
  });
  map.on('click', e => {
    if (state.picking) {
      const pick = state.picking;
      state.picking = null;
      document.body.classList.remove('picking');
      pick(e.latlng);
    }
  });

  coordinator.init({
    map, showPanel, openDetails, reload: () => loadLayer('needs'), skills: () => state.skills, skillLabel,
    setPicking: fn => { state.picking = fn; document.body.classList.toggle('picking', !!fn); },
  });
  if (state.openWanted && dataLayers().includes(state.openWanted.layer)) openDetails(state.openWanted.layer, state.openWanted.id);
  writeHash();
  document.body.classList.add('ready');
}

start();
