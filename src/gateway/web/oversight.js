// The inspector's page: sign in with a bearer token (kept in sessionStorage), list the
// findings of /v1/audit/findings with charts, and drill down from a finding to its audit
// entries (/v1/audit/entries/N) and their inclusion proofs (/v1/audit/proof?index=N).
'use strict';

const TOKEN_KEY = 'trustgate.inspector_token';
const SEVERITIES = ['high', 'medium', 'low'];

function token() { return sessionStorage.getItem(TOKEN_KEY); }
function auth() { return { Authorization: 'Bearer ' + token() }; }

function say(text, isError) {
  const s = document.getElementById('status');
  s.classList.toggle('error', !!isError);
  s.textContent = text;
}

function showSignedIn(on) {
  document.getElementById('signin-form').hidden = on;
  document.getElementById('signed-in').hidden = !on;
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  showSignedIn(false);
  document.getElementById('findings').replaceChildren();
  document.getElementById('charts').replaceChildren();
  document.getElementById('finding-detail').hidden = true;
  document.getElementById('entry-detail').hidden = true;
  say(message || 'Signed out.', false);
  document.getElementById('token').focus();
}

// Answers 401/403 by signing out with the reason; returns true when it did.
function refused(res) {
  if (res.status !== 401 && res.status !== 403) return false;
  signOut('Not signed in: ' + errorText(res) + '. Use an inspector token.');
  document.getElementById('status').classList.add('error');
  return true;
}

function countBy(findings, key) {
  const m = new Map();
  for (const f of findings) m.set(f[key], (m.get(f[key]) || 0) + 1);
  return m;
}

function showCharts(findings) {
  const charts = document.getElementById('charts');
  charts.replaceChildren();
  const bySeverity = countBy(findings, 'severity');
  const sev = el('figure', null, { class: 'chart' });
  sev.append(barChart('Findings by severity', SEVERITIES.map(s => [s, bySeverity.get(s) || 0]), s => 'bar-' + s));
  sev.append(el('figcaption', 'Findings by severity'));
  const byDetector = [...countBy(findings, 'detector').entries()].sort((a, b) => b[1] - a[1]);
  const det = el('figure', null, { class: 'chart' });
  det.append(barChart('Findings by detector', byDetector));
  det.append(el('figcaption', 'Findings by detector'));
  charts.append(sev, det);
}

function showFindings(findings) {
  showCharts(findings);
  const box = document.getElementById('findings');
  box.replaceChildren();
  if (findings.length === 0) {
    box.append(el('p', 'No findings for this period.'));
    return;
  }
  const rows = findings.map((f, i) => {
    const open = el('button', 'Open finding ' + (i + 1), {
      type: 'button', class: 'link', 'data-finding': String(i),
      'aria-label': 'Open finding ' + (i + 1) + ': ' + f.detector + (f.principal ? ', ' + f.principal : '')});
    open.addEventListener('click', () => openFinding(f, i));
    return [el('span', f.severity, { class: 'sev-' + f.severity }), f.detector, f.principal || '—', f.agency || '—',
            f.summary, String((f.evidence || []).length), open];
  });
  box.append(makeTable(findings.length + ' findings, most severe first',
                       ['Severity', 'Detector', 'Principal', 'Agency', 'Summary', 'Evidence', 'Details'], rows,
                       [false, false, false, false, false, true, false]));
}

function openFinding(f, i) {
  document.getElementById('entry-detail').hidden = true;
  const sec = document.getElementById('finding-detail');
  sec.hidden = false;
  document.getElementById('finding-heading').textContent =
      'Finding ' + (i + 1) + ': ' + f.detector + (f.principal ? ' — ' + f.principal : '') + ' (' + f.severity + ')';
  document.getElementById('finding-summary').textContent = f.summary;
  document.getElementById('finding-rule').textContent = f.rule || '';
  const w = f.window || {};
  document.getElementById('finding-window').textContent =
      (w.start ? 'From ' + w.start + ' to ' + w.end + '.' : '') +
      (f.workstation ? ' Workstation: ' + f.workstation + '.' : '') +
      ((f.subjects || []).length ? ' Records concerned: ' + f.subjects.length + '.' : '');
  const list = document.getElementById('evidence');
  list.replaceChildren();
  for (const index of f.evidence || []) {
    const b = el('button', 'Entry ' + index, { type: 'button', class: 'secondary', 'data-index': String(index) });
    b.addEventListener('click', () => openEntry(index));
    const li = el('li');
    li.append(b);
    list.append(li);
  }
  document.getElementById('finding-heading').focus();
  say('Opened finding ' + (i + 1) + ' with ' + (f.evidence || []).length + ' evidence entries.');
}

async function openEntry(index) {
  say('Loading audit entry ' + index + ' and its proof…');
  let entry, proof;
  try {
    [entry, proof] = await Promise.all([
      fetchFrom('/v1/audit/entries/' + index, auth()), fetchFrom('/v1/audit/proof?index=' + index, auth())]);
  } catch (e) {
    return say('The gateway could not be reached.', true);
  }
  if (refused(entry) || refused(proof)) return;
  if (!entry.ok || !entry.json) return say('Audit entry ' + index + ' could not be read: ' + errorText(entry), true);
  if (!proof.ok) return say('The proof of entry ' + index + ' could not be read: ' + errorText(proof), true);
  const e = entry.json;
  const r = e.record || {};
  const sec = document.getElementById('entry-detail');
  sec.hidden = false;
  document.getElementById('entry-heading').textContent = 'Audit entry ' + e.index;
  const fields = [['Time', r.time], ['Principal', r.principal], ['Agency', r.agency], ['Workstation', r.workstation],
                  ['Request', [r.method, r.path].filter(Boolean).join(' ') + (r.query ? '?' + r.query : '')],
                  ['Purpose', r.purpose], ['Reason', r.reason], ['Outcome', r.outcome], ['HTTP status', r.status]];
  document.getElementById('entry-fields').replaceChildren(
      makeTable('Entry ' + e.index + ' at a glance', ['Field', 'Value'],
                fields.filter(f => f[1] !== undefined && f[1] !== '').map(f => [f[0], typeof f[1] === 'object' ? JSON.stringify(f[1]) : f[1]])));
  document.getElementById('entry-record').textContent = e.record_text;
  document.getElementById('entry-leaf').textContent = e.leaf_hash;
  document.getElementById('entry-proof').textContent = proof.text;
  document.getElementById('entry-heading').focus();
  say('Audit entry ' + index + ' and its inclusion proof are shown.');
}

async function loadFindings() {
  const params = new URLSearchParams();
  const from = document.getElementById('from').value;
  const to = document.getElementById('to').value;
  if (from) params.set('from', from);
  if (to) params.set('to', to);
  say('Loading findings…');
  let res;
  try {
    res = await fetchFrom('/v1/audit/findings' + (params.size ? '?' + params : ''), auth());
  } catch (e) {
    return say('The gateway could not be reached.', true);
  }
  if (refused(res)) return;
  if (!res.ok || !res.json) return say('Findings could not be loaded: ' + errorText(res), true);
  const findings = res.json.findings || [];
  showFindings(findings);
  say(findings.length + (findings.length === 1 ? ' finding' : ' findings') + ' loaded.');
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('signin-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const t = document.getElementById('token').value.trim();
    if (!t) return;
    sessionStorage.setItem(TOKEN_KEY, t);
    document.getElementById('token').value = '';
    showSignedIn(true);
    loadFindings();
  });
  document.getElementById('signout').addEventListener('click', () => signOut());
  document.getElementById('filter-form').addEventListener('submit', ev => {
    ev.preventDefault();
    loadFindings();
  });
  if (token()) {
    showSignedIn(true);
    loadFindings();
  } else {
    showSignedIn(false);
  }
});
