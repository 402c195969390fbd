// The inmate locator: searches /v1/public/inmates by name or booking number and shows the
// public fields of each booking found. Only the fields listed in PUBLIC_FIELDS are rendered,
// whatever else a response might carry.
'use strict';

const PUBLIC_FIELDS = ['name', 'booking_id', 'custody_status', 'facility', 'charges'];

function chargesText(charges) {
  if (!Array.isArray(charges) || charges.length === 0) return '';
  return charges.map(c => [c.statute, c.description].filter(Boolean).join(' ')).join('; ');
}

function showResults(records, query, audit) {
  const box = document.getElementById('results');
  const status = document.getElementById('results-status');
  box.replaceChildren();
  const n = records.length;
  const logNote = audit ? ' This search is log entry ' + audit.index + '.' : '';
  if (n === 0) {
    status.textContent = 'No one in custody matches “' + query + '”.' + logNote;
    return;
  }
  status.textContent = n + (n === 1 ? ' booking matches' : ' bookings match') + ' “' + query + '”.' + logNote;
  const rows = records.map(r => {
    const pub = {};
    for (const f of PUBLIC_FIELDS) pub[f] = r[f];
    return [pub.name || '(withheld)', pub.booking_id || '', pub.custody_status || '', pub.facility || '', chargesText(pub.charges)];
  });
  box.append(makeTable('Bookings matching “' + query + '”',
                       ['Name', 'Booking number', 'Custody status', 'Facility', 'Charges'], rows));
}

async function search(by, query) {
  const status = document.getElementById('results-status');
  status.classList.remove('error');
  status.textContent = 'Searching…';
  const param = by === 'booking' ? 'booking' : 'name';
  let res;
  try {
    res = await fetchFrom('/v1/public/inmates?' + param + '=' + encodeURIComponent(query));
  } catch (e) {
    status.classList.add('error');
    status.textContent = 'The search failed: the gateway could not be reached.';
    return;
  }
  if (!res.ok || !res.json) {
    document.getElementById('results').replaceChildren();
    status.classList.add('error');
    status.textContent = 'The search failed: ' + errorText(res);
    return;
  }
  showResults(res.json.records || [], query, res.json.audit);
}

document.addEventListener('DOMContentLoaded', () => {
  const form = document.getElementById('locator-form');
  const input = document.getElementById('q');
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const by = form.elements.by.value;
    const query = input.value.trim();
    if (query.length < 2) {
      const status = document.getElementById('results-status');
      status.classList.add('error');
      status.textContent = 'Enter at least two characters.';
      input.focus();
      return;
    }
    history.replaceState(null, '', '/?by=' + by + '&q=' + encodeURIComponent(query));
    search(by, query);
  });
  // A search in the address (the form's own GET, or a shared link) runs on load.
  const params = new URLSearchParams(location.search);
  const q = (params.get('q') || '').trim();
  if (q.length >= 2) {
    const by = params.get('by') === 'booking' ? 'booking' : 'name';
    form.elements.by.value = by;
    input.value = q;
    search(by, q);
  }
});
