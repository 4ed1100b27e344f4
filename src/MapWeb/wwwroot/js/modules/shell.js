// The page around the map: the live status line and the legend drawer on phones.
import { $ } from '../dom.js';

export function announce(message) { $('#status').textContent = message; }

export function isPhone() { return window.matchMedia('(max-width: 760px)').matches; }

export function closeLegendOnPhone() { if (isPhone()) setLegendOpen(false); }

export function setLegendOpen(open) {
  document.body.classList.toggle('legend-open', open);
  $('#legend-toggle').setAttribute('aria-expanded', String(open));
}

export function wireShell() {
  $('#legend-toggle').addEventListener('click', () => setLegendOpen(!document.body.classList.contains('legend-open')));
  $('#legend-close').addEventListener('click', () => setLegendOpen(false));
}
