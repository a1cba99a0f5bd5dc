import { api } from './api.js';
import { $, el, show, errorText, fmtNum, initTopbar, setBalance } from './ui.js';

initTopbar();

async function load() {
  const days = $('days').value;
  show($('usage-error'), '');
  try {
    const rep = await api('GET', '/usage?days=' + encodeURIComponent(days));
    render(rep || {});
  } catch (e) {
    show($('usage-error'), errorText(e));
  }
}

function render(rep) {
  const daily = rep.daily || [];
  const total = rep.total || {};
  setBalance(rep.balance);
  $('stat-balance').textContent = fmtNum(rep.balance);
  $('stat-tokens').textContent = fmtNum(total.tokens);
  $('stat-requests').textContent = fmtNum(total.requests);
  $('stat-granted').textContent = fmtNum(total.granted);

  // Bar chart: heights go through a CSS custom property set with the
  // CSSOM, which the CSP allows (style="" attributes it does not).
  const max = Math.max(1, ...daily.map((d) => Number(d.tokens) || 0));
  const bars = daily.map((d) => {
    const fill = el('span');
    fill.style.setProperty('--h', ((Number(d.tokens) || 0) / max * 100).toFixed(1) + '%');
    return el('div', { className: 'bar', attrs: { title: `${d.date}: ${fmtNum(d.tokens)} tokens, ${fmtNum(d.requests)} requests` } }, fill);
  });
  $('chart').replaceChildren(...bars);
  $('chart').setAttribute('aria-label', `Tokens used per day, ${daily.length} days, at most ${fmtNum(max)} on one day`);
  const axis = $('chart').nextElementSibling?.classList.contains('chart-axis') ? $('chart').nextElementSibling : null;
  const labels = el('div', { className: 'chart-axis', attrs: { 'aria-hidden': 'true' } },
    el('span', { text: daily[0]?.date || '' }), el('span', { text: daily[daily.length - 1]?.date || '' }));
  if (axis) axis.replaceWith(labels); else $('chart').after(labels);

  // Newest first in the table, where people look for today.
  const rows = [...daily].reverse().map((d) => el('tr', { className: d.requests || d.granted ? '' : 'muted' },
    el('td', { text: d.date }),
    el('td', { text: fmtNum(d.requests) }),
    el('td', { text: fmtNum(d.promptTokens) }),
    el('td', { text: fmtNum(d.completionTokens) }),
    el('td', { text: fmtNum(d.tokens) }),
    el('td', { text: fmtNum(d.granted) })));
  $('usage-body').replaceChildren(...rows);
}

$('days').addEventListener('change', load);
load();
