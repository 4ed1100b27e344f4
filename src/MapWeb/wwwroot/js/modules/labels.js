// How codes and records are named on screen: layer titles, feature names, skills and field values.
import { el } from '../dom.js';
import { lang, t, tOr, formatNumber, formatDate } from '../i18n.js';
import { state } from './state.js';

export function layerTitle(id) { return t(`layer.${id}`); }

export function featureName(layerId, p) {
  if (layerId === 'border-markers') return `${tOr(`marker.${p.marker_type}`, p.marker_type)} ${p.marker_number}`;
  return p.name ?? p.title ?? '';
}

export function skillLabel(code) {
  const skill = state.skills.find(s => s.code === code);
  return skill ? (lang === 'vi' ? skill.label_vi : skill.label_en) ?? code : code;
}

export function formatValue(field, value) {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (field === 'skills' || field === 'required_skills') return value.map(skillLabel).join(', ');
    return value.join(', ');
  }
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${k.replaceAll('_', ' ')}: ${v}`).join('; ');
  if (field === 'team_type') return tOr(`type.${value}`, value);
  if (field === 'rank') return tOr(`rank.${value}`, value);
  if (field === 'marker_type') return tOr(`marker.${value}`, value);
  if (field === 'status') return tOr(`status.${value}`, value);
  if (field === 'priority') return tOr(`priority.${value}`, value);
  if (field === 'category') return tOr(`category.${value}`, value);
  if (/(_on|_at|window_start|window_end)$/.test(field)) return formatDate(value);
  // Only web addresses become links: a javascript: URL must never be clickable.
  if (field === 'public_url') return /^https?:\/\//i.test(value) ? el('a', { href: value, rel: 'noopener', target: '_blank' }, value) : String(value);
  if (field === 'public_email') return el('a', { href: `mailto:${value}` }, value);
  if (field === 'public_phone') return el('a', { href: `tel:${value.replace(/\s/g, '')}` }, value);
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}
