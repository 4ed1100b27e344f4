// Vietnamese by default; the choice is remembered in localStorage.
const STORAGE_KEY = 'resourcemap.lang';
let strings = {};
export let lang = 'vi';

export async function loadLanguage(requested) {
  lang = requested || localStorage.getItem(STORAGE_KEY) || 'vi';
  if (!['vi', 'en'].includes(lang)) lang = 'vi';
  const response = await fetch(`i18n/${lang}.json`);
  strings = await response.json();
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  applyTranslations(document);
}

export function t(key, params = {}) {
  let text = strings[key] ?? key;
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/** A translation if one exists, else the fallback (for values such as skill codes or categories). */
export function tOr(key, fallback) {
  return key in strings ? strings[key] : fallback;
}

/** Fills data-i18n (text) and data-i18n-<attr> (attributes) of every element under root. */
export function applyTranslations(root) {
  // A key missing from the language file keeps the text written in the HTML (pages added by others).
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = tOr(el.dataset.i18n, el.textContent.trim() || el.dataset.i18n);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (!attr.startsWith('data-i18n-')) continue;
      const target = attr.slice('data-i18n-'.length);
      el.setAttribute(target, tOr(el.getAttribute(attr), el.getAttribute(target) ?? el.getAttribute(attr)));
    }
  }
}

export function formatNumber(n, fractionDigits) {
  const digits = fractionDigits === undefined ? {} : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits };
  return new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', digits).format(n);
}

export function formatDate(value) {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium' }).format(d);
}
