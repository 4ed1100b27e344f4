// One shape and one colour per layer, so layers stay distinguishable without colour vision.
/* global L */
export const LAYER_STYLE = {
  'teams':             { colour: '#1f5fa8', shape: 'circle' },
  'red-addresses':     { colour: '#b71c1c', shape: 'star' },
  'hardship-villages': { colour: '#a35200', shape: 'triangle' },
  'border-areas':      { colour: '#2e6b30', shape: 'hatch' },
  'border-markers':    { colour: '#2e6b30', shape: 'square' },
  'needs':             { colour: '#6a1b9a', shape: 'diamond' },
  'activities':        { colour: '#00695c', shape: 'hexagon' },
  'admin':             { colour: '#555555', shape: 'outline' },
};

function shapePath(shape, s) {
  const c = s / 2, r = s / 2 - 2;
  switch (shape) {
    case 'circle': return `<circle cx="${c}" cy="${c}" r="${r}"/>`;
    case 'square': return `<rect x="3" y="3" width="${s - 6}" height="${s - 6}" rx="1"/>`;
    case 'triangle': return `<polygon points="${c},2 ${s - 2},${s - 3} 2,${s - 3}"/>`;
    case 'diamond': return `<polygon points="${c},1 ${s - 1},${c} ${c},${s - 1} 1,${c}"/>`;
    case 'hexagon': {
      const pts = [...Array(6)].map((_, i) => {
        const a = Math.PI / 3 * i;
        return `${(c + r * Math.cos(a)).toFixed(1)},${(c + r * Math.sin(a)).toFixed(1)}`;
      });
      return `<polygon points="${pts.join(' ')}"/>`;
    }
    case 'star': {
      const pts = [...Array(10)].map((_, i) => {
        const a = -Math.PI / 2 + Math.PI / 5 * i, rr = i % 2 ? r * 0.45 : r + 1;
        return `${(c + rr * Math.cos(a)).toFixed(1)},${(c + rr * Math.sin(a)).toFixed(1)}`;
      });
      return `<polygon points="${pts.join(' ')}"/>`;
    }
    case 'hatch': return `<rect x="2" y="2" width="${s - 4}" height="${s - 4}" fill-opacity="0.25" stroke-dasharray="3 2"/>`;
    case 'outline': return `<rect x="2" y="2" width="${s - 4}" height="${s - 4}" fill="none" stroke-dasharray="5 2"/>`;
    default: return `<circle cx="${c}" cy="${c}" r="${r}"/>`;
  }
}

/** Inline SVG of a layer's symbol (legend and markers). */
export function symbolSvg(layer, size = 18, extraClass = '') {
  const { colour, shape } = LAYER_STYLE[layer] ?? LAYER_STYLE.teams;
  return `<svg class="symbol ${extraClass}" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" aria-hidden="true" focusable="false">` +
    `<g fill="${colour}" stroke="#fff" stroke-width="1.5">${shapePath(shape, size)}</g></svg>`;
}

export function featureIcon(layer, feature) {
  let size = 20;
  if (layer === 'needs' && ['high', 'urgent'].includes(feature.properties?.priority)) size = 24;
  if (layer === 'border-markers' && feature.properties?.marker_type === 'stake') size = 14;
  // The symbol keeps its size; the target around it is at least 24 px (WCAG 2.2 target size).
  const box = Math.max(24, size);
  return L.divIcon({ className: `rm-marker rm-${layer}`, html: symbolSvg(layer, size), iconSize: [box, box], iconAnchor: [box / 2, box / 2], popupAnchor: [0, -size / 2] });
}

/** A cluster: its total in the middle, and a ring with each layer's share in that layer's colour. */
export function clusterIcon(counts, label) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  const count = entries.reduce((a, [, n]) => a + n, 0);
  const size = Math.round(Math.min(58, 30 + Math.log10(Math.max(1, count)) * 9));
  let at = 0;
  const stops = entries.map(([id, n]) => {
    const { colour } = LAYER_STYLE[id] ?? LAYER_STYLE.teams;
    const from = at; at += n / count * 360;
    return `${colour} ${from.toFixed(1)}deg ${at.toFixed(1)}deg`;
  });
  const single = entries.length === 1 ? entries[0][0] : null;
  const text = new Intl.NumberFormat(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN', { notation: count >= 10000 ? 'compact' : 'standard', maximumFractionDigits: 1 }).format(count);
  return L.divIcon({
    className: `rm-cluster ${single ? `rm-${single}` : 'rm-mixed'}`,
    html: `<span class="rm-cluster-bubble" style="--ring:conic-gradient(${stops.join(',')});width:${size}px;height:${size}px" title="${label.replaceAll('"', '&quot;')}">` +
      `${single ? symbolSvg(single, 11, 'rm-cluster-symbol') : ''}<b>${text}</b></span>`,
    iconSize: [size, size], iconAnchor: [size / 2, size / 2],
  });
}

export function polygonStyle(layer) {
  const { colour } = LAYER_STYLE[layer] ?? LAYER_STYLE.teams;
  return { color: colour, weight: 2, dashArray: '6 3', fillColor: colour, fillOpacity: 0.15 };
}
