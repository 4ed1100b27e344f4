// Dashboard of a campaign: actual vs target (Chart.js from npm, served under /vendor), share of activities recorded
// through the portal, share of units reporting, and which units are late for the weekly deadline.
import { loadLanguage, t, formatNumber, lang } from './i18n.js';

const $ = (id) => document.getElementById(id);
let chart = null;

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.detail || `HTTP ${response.status}`);
  return data;
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function refresh() {
  $('error').textContent = '';
  const params = new URLSearchParams();
  if ($('campaign').value) params.set('campaign', $('campaign').value);
  if ($('unit').value.trim()) params.set('unit', $('unit').value.trim());
  if ($('to').value) params.set('to', $('to').value);
  if (!params.has('campaign') && !params.has('unit')) return;
  let data;
  try { data = await getJson(`/api/indicators?${params}`); } catch (e) { $('error').textContent = e.message; return; }

  $('heading').textContent = `${data.campaign_name ?? ''} · ${data.unit_name} · ${data.from} → ${data.to}`;
  const pct = (share) => share.percent === null ? '—' : `${formatNumber(share.percent)}% (${share.part}/${share.whole})`;
  $('portal-share').textContent = pct(data.portal_share);
  $('units-reporting').textContent = pct(data.units_reporting);
  $('indicators').tBodies[0].replaceChildren(...data.indicators.map((i) => {
    const tr = document.createElement('tr');
    tr.append(cell(`${i.label} (${i.measure_unit})`), cell(i.target === null ? '—' : formatNumber(i.target), 'num'), cell(formatNumber(i.actual), 'num'));
    return tr;
  }));
  const deadline = new Date(data.weekly_deadline);
  $('deadline').textContent = t('dashboard.deadline', {
    when: new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(deadline),
  });
  $('units').tBodies[0].replaceChildren(...data.units.map((u) => {
    const tr = document.createElement('tr');
    tr.dataset.unit = u.code;
    const late = u.report_status === 'late';
    tr.append(cell(u.name), cell(formatNumber(u.activities), 'num'), cell(late ? t('dashboard.late') : t('dashboard.on_time'), late ? 'late' : 'ok'));
    return tr;
  }));

  const labels = data.indicators.map((i) => i.label);
  const values = data.indicators.map((i) => i.percent ?? 0);
  if (window.Chart) {
    chart?.destroy();
    chart = new window.Chart($('chart'), {
      type: 'bar',
      data: { labels, datasets: [{ label: t('dashboard.progress'), data: values, backgroundColor: values.map((v) => (v >= 100 ? '#1b5e20' : '#0b3d91')) }] },
      options: { indexAxis: 'y', responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { min: 0, suggestedMax: 100, ticks: { callback: (v) => `${v}%` } } }, plugins: { legend: { display: false } } },
    });
  }
  const query = new URLSearchParams(params);
  const kind = query.has('campaign') ? 'campaign' : 'weekly';
  for (const format of ['html', 'xlsx', 'csv']) {
    query.set('format', format);
    $(`report-${format}`).href = `/api/reports/${kind}?${query}`;
  }
  document.body.classList.add('loaded');
}

await loadLanguage();
const campaigns = await getJson('/api/campaigns').catch(() => []);
$('campaign').replaceChildren(...campaigns.map((c) => Object.assign(document.createElement('option'), { value: c.id, textContent: c.name })));
const wanted = new URLSearchParams(location.search);
if (wanted.get('campaign')) $('campaign').value = wanted.get('campaign');
if (wanted.get('unit')) $('unit').value = wanted.get('unit');
for (const id of ['campaign', 'unit', 'to']) $(id).addEventListener('change', refresh);
document.body.classList.add('ready');
await refresh();
