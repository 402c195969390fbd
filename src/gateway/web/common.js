// Helpers shared by the TrustGate pages. Every value from the API reaches the page through
// textContent, never as markup.
'use strict';

// Creates an element with optional text and attributes.
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (attrs) for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// Fetches a path of this origin; resolves to {ok, status, json, text}.
async function fetchFrom(path, headers) {
  const r = await fetch(path, { headers: headers || {}, cache: 'no-store', credentials: 'omit' });
  const text = await r.text();
  let json = null;
  if ((r.headers.get('Content-Type') || '').startsWith('application/json')) {
    try { json = JSON.parse(text); } catch (e) { json = null; }
  }
  return { ok: r.ok, status: r.status, json, text };
}

// The API's error message of a failed response, for a reader.
function errorText(res) {
  if (res.json && res.json.error) return res.json.error.message + ' (' + res.json.error.code + ', HTTP ' + res.status + ')';
  return 'HTTP ' + res.status;
}

// A table: caption, header cells (class "num" for numeric columns) and rows of cell values.
function makeTable(caption, columns, rows, numeric) {
  const t = el('table');
  t.append(el('caption', caption));
  const head = el('tr');
  columns.forEach((c, i) => {
    const th = el('th', c, { scope: 'col' });
    if (numeric && numeric[i]) th.className = 'num';
    head.append(th);
  });
  const thead = el('thead');
  thead.append(head);
  t.append(thead);
  const body = el('tbody');
  for (const row of rows) {
    const tr = el('tr');
    row.forEach((v, i) => {
      const td = el('td');
      if (v instanceof Node) td.append(v); else td.textContent = v === undefined || v === null ? '' : String(v);
      if (numeric && numeric[i]) td.className = 'num';
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(body);
  return t;
}

// A horizontal bar chart as inline SVG: one bar per [label, value]; `classOf(label)` picks a
// bar's class. The SVG carries a title and a text summary for screen readers.
function barChart(title, data, classOf) {
  const NS = 'http://www.w3.org/2000/svg';
  const rowH = 28, labelW = 190, width = 520, barMax = width - labelW - 60;
  const height = Math.max(1, data.length) * rowH + 10;
  const max = Math.max(1, ...data.map(d => d[1]));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  svg.setAttribute('role', 'img');
  const t = document.createElementNS(NS, 'title');
  t.textContent = title + ': ' + (data.length ? data.map(d => d[0] + ' ' + d[1]).join(', ') : 'none');
  svg.append(t);
  data.forEach(([label, value], i) => {
    const y = 5 + i * rowH;
    const name = document.createElementNS(NS, 'text');
    name.setAttribute('x', String(labelW - 8));
    name.setAttribute('y', String(y + rowH / 2 + 4));
    name.setAttribute('text-anchor', 'end');
    name.setAttribute('class', 'chart-label');
    name.textContent = label;
    const bar = document.createElementNS(NS, 'rect');
    bar.setAttribute('x', String(labelW));
    bar.setAttribute('y', String(y + 4));
    bar.setAttribute('height', String(rowH - 8));
    bar.setAttribute('width', String(Math.max(2, Math.round(barMax * value / max))));
    bar.setAttribute('class', classOf ? classOf(label) : 'bar');
    const num = document.createElementNS(NS, 'text');
    num.setAttribute('x', String(labelW + Math.max(2, Math.round(barMax * value / max)) + 6));
    num.setAttribute('y', String(y + rowH / 2 + 4));
    num.setAttribute('class', 'chart-label');
    num.textContent = String(value);
    svg.append(name, bar, num);
  });
  return svg;
}
