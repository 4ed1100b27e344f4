// The page around the map: the live status line and the legend drawer on phones.
import { $ } from '../dom.js';

export function announce(message) { $('#status').textContent = message; }

export function isPhone() { return window.matchMedia('(max-width: 760px)').matches; }

export function closeLegendOnPhone() { if (isPhone()) setLegendOpen(false); }

export function setLegendOpen(open) {
  const was = document.body.classList.contains('legend-open');
  document.body.classList.toggle('legend-open', open);
  $('#legend-toggle').setAttribute('aria-expanded', String(open));
  if (open === was || !isPhone()) return;
  // On a phone the legend is a drawer over the map: focus goes into it, and back to its button when it closes.
  if (open) $('#legend-close').focus({ preventScroll: true });
  else if ($('#legend').contains(document.activeElement)) $('#legend-toggle').focus({ preventScroll: true });
}

export function wireShell() {
  wireNav();
  $('#legend-toggle').addEventListener('click', () => setLegendOpen(!document.body.classList.contains('legend-open')));
  $('#legend-close').addEventListener('click', () => setLegendOpen(false));
  $('#legend').addEventListener('keydown', e => {
    if (e.key === 'Escape' && isPhone() && document.body.classList.contains('legend-open')) { e.stopPropagation(); setLegendOpen(false); }
  });
}

/** The header's page menu (#nav-links): other pages add an <li> to it in index.html. */
export function wireNav() {
  const toggle = $('#nav-toggle'), links = $('#nav-links');
  if (!toggle || !links) return;
  const setOpen = open => { links.hidden = !open; toggle.setAttribute('aria-expanded', String(open)); };
  toggle.addEventListener('click', () => {
    setOpen(links.hidden);
    if (!links.hidden) links.querySelector('a')?.focus();
  });
  links.addEventListener('keydown', e => { if (e.key === 'Escape') { setOpen(false); toggle.focus(); } });
  document.addEventListener('click', e => { if (!e.target.closest('.top-nav')) setOpen(false); });
}
