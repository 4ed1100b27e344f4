// How codes and records are named on screen: layer titles, feature names, skills and field values.
import { el } from '../dom.js';
import { lang, t, formatNumber, formatDate } from '../i18n.js';
import { state } from './state.js';

export function layerTitle(id) { return t(`layer.${id}`); }

/** A code in the page's language, from the API's vocabularies (/api/vocabularies); an unknown code shows as itself. */
export function codeLabel(kind, code) {
  const term = state.vocab?.[kind]?.find(x => x.code === code);
  return term ? (lang === 'vi' ? term.vi : term.en) : code;
}

/** The codes of a vocabulary, in the API's order. */
export function codes(kind) { return (state.vocab?.[kind] ?? []).map(x => x.code); }

/** The vocabulary a field's codes belong to; status means different things on different layers. */
function vocabularyOf(field, layerId) {
  if (field === 'status') return layerId === 'teams' ? 'team_status' : 'need_status';
  return {
    team_type: 'team_type', priority: 'priority', category: 'need_category', relic_type: 'relic_type', rank: 'site_rank',
    kind: 'border_kind', marker_type: 'marker_type', neighbour_country: 'country', languages: 'language', source_id: 'source',
    level: 'admin_level',
  }[field] ?? null;
}

export function featureName(layerId, p) {
  if (layerId === 'border-markers') return `${codeLabel('marker_type', p.marker_type)} ${p.marker_number}`;
  return p.name ?? p.title ?? '';
}

export function skillLabel(code) {
  const skill = state.skills.find(s => s.code === code);
  return skill ? (lang === 'vi' ? skill.label_vi : skill.label_en) ?? code : code;
}

export function formatValue(field, value, layerId = null) {
  if (value === null || value === undefined || value === '') return null;
  const vocabulary = vocabularyOf(field, layerId);
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (field === 'skills' || field === 'required_skills') return value.map(skillLabel).join(', ');
    return value.map(v => vocabulary ? codeLabel(vocabulary, v) : v).join(', ');
  }
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  // An activity's outputs: each quantity by its label (the unit is in the label).
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) =>
    `${codeLabel('activity_output', k).replace(/^[a-z_]+$/, c => c.replaceAll('_', ' '))}: ${typeof v === 'number' ? formatNumber(v) : v}`).join('; ');
  if (vocabulary) return codeLabel(vocabulary, value);
  if (/(_on|_at|window_start|window_end)$/.test(field)) return formatDate(value);
  if (/_year$/.test(field)) return String(value); // 2012, not 2.012
  if (/_m$/.test(field) && typeof value === 'number') return value >= 1000 ? `${formatNumber(value / 1000, value % 1000 ? 1 : 0)} km` : `${formatNumber(value)} m`;
  if (/_rate$/.test(field) && typeof value === 'number') return `${formatNumber(value, 1)} %`;
  // Only web addresses become links: a javascript: URL must never be clickable.
  if (field === 'public_url') return /^https?:\/\//i.test(value) ? el('a', { href: value, rel: 'noopener', target: '_blank' }, value) : String(value);
  if (field === 'public_email') return el('a', { href: `mailto:${value}` }, value);
  if (field === 'public_phone') return el('a', { href: `tel:${value.replace(/\s/g, '')}` }, value);
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}
