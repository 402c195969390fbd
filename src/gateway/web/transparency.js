// The transparency page: the signed checkpoint and verifier key as the log serves them, the
// policy packs in force with their plain-language rules, and aggregate statistics.
'use strict';

function countsTable(caption, head, counts) {
  const rows = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]);
  return makeTable(caption, [head, 'Count'], rows, [false, true]);
}

function showTransparency(t) {
  const packs = document.getElementById('packs');
  packs.replaceChildren(makeTable('Policy packs in force (each builds on the ones before it)',
    ['Pack', 'Jurisdiction', 'Level', 'Effective', 'Rules'],
    (t.packs || []).map(p => [p.name, p.jurisdiction, p.level, p.effective, p.rules]),
    [false, false, false, false, true]));
  document.getElementById('policy-text').textContent = t.policy_text || '';

  const stats = document.getElementById('stats');
  stats.replaceChildren();
  const c = t.access_counts || {};
  stats.append(el('h3', 'Accesses logged'));
  stats.append(el('p', (c.accesses || 0) + ' accesses in the log, at log size ' + ((t.log || {}).size || 0) + '.'));
  const charts = el('div', null, { class: 'charts' });
  const kinds = Object.entries(c.by_agency_kind || {}).sort((a, b) => b[1] - a[1]);
  const chart = el('figure', null, { class: 'chart' });
  chart.append(barChart('Accesses by requesting agency kind', kinds));
  chart.append(el('figcaption', 'Accesses by requesting agency kind (the same numbers are in the table below).'));
  charts.append(chart);
  stats.append(charts);
  stats.append(countsTable('Accesses by requesting agency kind', 'Agency kind', c.by_agency_kind));
  stats.append(countsTable('Accesses by outcome', 'Outcome', c.by_outcome));
  stats.append(countsTable('Accesses by agency kind and declared purpose', 'Agency kind / purpose', c.by_agency_kind_and_purpose));
  for (const s of t.stats || []) {
    stats.append(el('h3', s.title));
    if (s.citation) stats.append(el('p', 'Required by ' + s.citation + '.'));
    const cols = s.columns || [];
    const rows = (s.rows || []).map(r => cols.map(k => r[k]));
    if (rows.length === 0) stats.append(el('p', 'Nothing to report for this period.'));
    else stats.append(makeTable(s.title, cols, rows, cols.map(k => k === 'count')));
  }
}

document.addEventListener('DOMContentLoaded', async () => {
  const status = document.getElementById('load-status');
  let cp, vkey, t;
  try {
    [cp, vkey, t] = await Promise.all([
      fetchFrom('/log/checkpoint'), fetchFrom('/log/vkey'), fetchFrom('/v1/public/transparency')]);
  } catch (e) {
    status.classList.add('error');
    status.textContent = 'The gateway could not be reached.';
    return;
  }
  if (!cp.ok || !vkey.ok || !t.ok || !t.json) {
    status.classList.add('error');
    status.textContent = 'Some parts could not be loaded: checkpoint ' + cp.status + ', key ' + vkey.status +
                         ', policy and statistics ' + (t.ok ? 'unreadable' : errorText(t)) + '.';
  }
  if (cp.ok) document.getElementById('checkpoint').textContent = cp.text;
  if (vkey.ok) document.getElementById('vkey').textContent = vkey.text.trim();
  if (t.ok && t.json) showTransparency(t.json);
  if (cp.ok && vkey.ok && t.ok && t.json) status.textContent = 'Loaded: log size ' + (t.json.log || {}).size + '.';
});
