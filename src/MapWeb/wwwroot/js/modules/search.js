// The search box: one ranked call to /api/search, shown in groups (admin units, then layers) with totals and "more".
/* global L */
import { api } from '../api.js';
import { el, $ } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { symbolSvg } from '../symbols.js';
import { state, emit } from './state.js';
import { layerTitle, codeLabel } from './labels.js';
import { openPopup, openDetails } from './panel.js';
import { zoomToAdmin } from './admin.js';
import { ensureLayerOn } from './legend.js';
import { closeLegendOnPhone, isPhone, announce } from './shell.js';

let searchTimer = null, searchController = null, activeResult = -1, resultCount = 0;

export function wireSearch() {
  const input = $('#search'), list = $('#search-results');
  input.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(input.value.trim()), 250);
  });
  input.addEventListener('keydown', e => {
    const items = [...list.querySelectorAll('[role=option]')];
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!items.length) return;
      setActive(items, (activeResult + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      (items[activeResult] ?? items[0])?.click();
    } else if (e.key === 'Escape') {
      hideResults();
    }
  });
  $('#search-form').addEventListener('submit', e => e.preventDefault());
  document.addEventListener('click', e => { if (!e.target.closest('#search-form')) hideResults(); });
}

function hideResults() {
  $('#search-results').hidden = true;
  $('#search').setAttribute('aria-expanded', 'false');
  activeResult = -1;
}

async function runSearch(q) {
  const list = $('#search-results');
  searchController?.abort();
  if (q.length < 2) { hideResults(); return; }
  searchController = new AbortController();
  const signal = searchController.signal;
  let answer;
  try {
    // One ranked call: admin units of both eras (plans written before 2025 name old districts) and every layer.
    answer = await api(`/api/search?q=${encodeURIComponent(q)}&limit=5`, { signal });
  } catch (e) {
    if (signal.aborted) return;
    list.replaceChildren(el('li', { class: 'error', role: 'presentation' }, t('search.failed')));
    showResults();
    return;
  }
  if (signal.aborted) return;
  list.replaceChildren();
  activeResult = -1;
  resultCount = 0;
  const groups = answer.groups;
  if (!groups.length) list.append(el('li', { class: 'muted', role: 'presentation' }, t('search.none')));
  for (const group of groups) list.append(groupElement(group));
  showResults();
  announce(groups.length ? t('search.found', { n: formatNumber(groups.reduce((n, g) => n + g.total, 0)) }) : t('search.none'));
}

function showResults() {
  $('#search-results').hidden = false;
  $('#search').setAttribute('aria-expanded', 'true');
}

/** A group: its title and total, its results, and "more" while the server has more. */
function groupElement(group) {
  const kind = group.id === 'admin-units' ? 'admin' : group.id;
  const headId = `result-group-${kind}`;
  const title = kind === 'admin' ? t('search.admin-units') : layerTitle(kind);
  const head = el('div', { class: 'result-group-head', id: headId },
    el('span', {}, title), el('small', {}, group.total_is_lower_bound ? t('search.total-at-least', { n: formatNumber(group.total) }) : formatNumber(group.total)));
  const node = el('li', { role: 'group', 'aria-labelledby': headId, 'data-group': group.id }, head);
  appendResults(node, kind, group);
  return node;
}

function appendResults(node, kind, group) {
  node.querySelector('.result-more')?.remove();
  for (const result of group.results) node.append(resultElement(kind, result));
  if (group.more) {
    const shown = node.querySelectorAll('[role=option]:not(.result-more)').length;
    node.append(el('div', {
      id: `result-${resultCount++}`, role: 'option', class: 'result-more', 'aria-selected': 'false', tabindex: '-1',
      onclick: e => { e.stopPropagation(); loadMore(node, kind, group.more); },
    }, el('span', { class: 'result-name' }, t('search.more', { shown: formatNumber(shown), total: formatNumber(group.total) }))));
  }
}

async function loadMore(node, kind, url) {
  try {
    const answer = await api(url.replace(/^https?:\/\/[^/]+/, ''));
    const index = [...node.querySelectorAll('[role=option]')].findIndex(o => o.classList.contains('result-more'));
    appendResults(node, kind, answer.groups[0]);
    // Keep the keyboard where the list grew: on the first new result.
    const options = [...$('#search-results').querySelectorAll('[role=option]')];
    const first = node.querySelectorAll('[role=option]')[index];
    if (first) setActive(options, options.indexOf(first));
  } catch {
    announce(t('search.failed'));
  }
}

function resultElement(kind, r) {
  const symbol = el('span', { class: 'legend-symbol' });
  symbol.innerHTML = symbolSvg(kind, 14);
  const sub = kind === 'admin'
    ? [codeLabel('admin_level', r.level), r.place, r.valid_to ? `${formatDate(r.valid_from)} – ${formatDate(r.valid_to)}` : null]
    : [r.place, r.is_sample ? t('search.sample') : null];
  return el('div', {
    id: `result-${resultCount++}`, role: 'option', 'aria-selected': 'false', tabindex: '-1', 'data-kind': kind,
    'data-match': r.match, onclick: () => { hideResults(); selectResult(kind, r); },
  }, symbol, el('span', { class: 'result-name' }, r.name), el('small', {}, sub.filter(Boolean).join(' · ')));
}

function setActive(items, index) {
  activeResult = index;
  items.forEach((item, i) => item.setAttribute('aria-selected', i === activeResult ? 'true' : 'false'));
  $('#search').setAttribute('aria-activedescendant', items[activeResult].id);
  items[activeResult].scrollIntoView({ block: 'nearest' });
}

async function selectResult(kind, r) {
  closeLegendOnPhone();
  if (kind === 'admin') { zoomToAdmin(r.code, r.valid_to ? r.valid_from : null); return; }
  if (!state.layers.has(kind)) { ensureLayerOn(kind); emit('layers-changed', kind); }
  const latlng = L.latLng(r.center[1], r.center[0]);
  const feature = await api(`/api/layers/${kind}/features/${r.id}`);
  const zoom = Math.max(state.map.getZoom(), 14);
  // Registered first: a long jump is not animated, and Leaflet then fires moveend inside setView.
  state.map.once('moveend', () => openPopup(kind, feature, latlng));
  if (isPhone()) {
    // The bottom sheet covers the lower part of a phone screen: put the result in the upper third, popup only.
    const target = state.map.project(latlng, zoom).add([0, state.map.getSize().y / 6]);
    state.map.setView(state.map.unproject(target, zoom), zoom);
  } else {
    state.map.setView(latlng, zoom);
    openDetails(kind, r.id);
  }
}
