// Browser test of the TrustGate pages: starts `trustgate demo` on a small synthetic county,
// drives some traffic (an immigration officer pulling the release list), then drives the
// system chromium through playwright-core:
//   (a) the locator on / finds a person by name and by booking number and shows no birthdate
//       or address;
//   (b) the transparency page shows exactly the body of /log/checkpoint and /log/vkey;
//   (c) an inspector signs in on /oversight, opens a finding and sees an evidence entry and
//       its inclusion proof;
//   (d) every page has lang, one h1, headings in order and labelled controls; and no page
//       logs an error or a Content-Security-Policy violation, or requests a path that gets
//       a 404 or 405 (each would be an audit record).
// Screenshots go to --screenshots. Missing chromium, node modules or trustgate fail the test.
//
// node portal_test.mjs --trustgate BIN --screenshots DIR [--chromium PATH] [--keep]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--keep') args.keep = true;
  else args[a.replace(/^--/, '')] = process.argv[++i];
}
const chromiumPath = args.chromium || process.env.TG_CHROMIUM || '/usr/bin/chromium';
const screenshots = path.resolve(args.screenshots || 'screenshots');

function die(message) {
  console.error('portal_test: ' + message);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!args.trustgate || !fs.existsSync(args.trustgate)) die('no trustgate binary (--trustgate ' + args.trustgate + ')');
if (!fs.existsSync(chromiumPath)) {
  die('chromium is not installed at ' + chromiumPath + ' (scripts/install-deps installs the Debian package chromium)');
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  die('playwright-core is not installed in ' + here + '/node_modules (run: npm ci --prefix ' + here + '): ' + e.message);
}

// ---- the gateway -------------------------------------------------------------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-web-'));
const data = path.join(work, 'county');
const demo = spawn(args.trustgate, ['demo', '--data', data, '--listen', '127.0.0.1:0', '--persons', '400',
                                    '--alpr-reads', '500'], { stdio: ['ignore', 'pipe', 'pipe'] });
let demoOut = '';
let demoErr = '';
demo.stderr.on('data', d => { demoErr += d; });
const base = await new Promise((resolve, reject) => {
  demo.stdout.on('data', d => {
    demoOut += d;
    const m = demoOut.match(/portal\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  demo.on('exit', code => reject(new Error('trustgate demo exited with ' + code + ':\n' + demoErr)));
}).catch(e => die(e.message));
const tokens = JSON.parse(fs.readFileSync(path.join(data, 'demo-tokens.json'), 'utf8'));

async function api(p, principal, headers = {}) {
  const h = { ...headers };
  if (principal) h.Authorization = 'Bearer ' + tokens[principal];
  const r = await fetch(base + p, { headers: h });
  return { status: r.status, text: await r.text() };
}

// ---- checks --------------------------------------------------------------------------------
const results = [];
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push([name, true]);
    console.log('PASS ' + name + ' (' + (Date.now() - started) + ' ms)');
  } catch (e) {
    results.push([name, false]);
    console.log('FAIL ' + name + ': ' + (e && e.stack ? e.stack : e));
  }
}
function expect(cond, message) { if (!cond) throw new Error(message); }

let browser;
const pageProblems = [];
try {
  // Traffic a detector must flag: the immigration officer pulls the upcoming-release list.
  for (let i = 0; i < 3; i++) {
    const r = await api('/v1/bookings?release_within=720h', 'ice-ero-officer', { 'TrustGate-Purpose': 'civil_immigration' });
    expect(r.status < 500, 'ICE release list: HTTP ' + r.status);
  }
  // A person in custody, as the records clerk sees them (with birthdate and address).
  const clerk = await api('/v1/bookings?release_within=2160h', 'lasd-records-clerk', { 'TrustGate-Purpose': 'booking_operations' });
  expect(clerk.status === 200, 'clerk list: HTTP ' + clerk.status);
  const person = JSON.parse(clerk.text).records.find(r => r.dob && r.address && r.name);
  expect(person, 'no booking with a name, birthdate and address in the clerk\'s list');

  browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
                                    args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  page.on('console', m => { if (m.type() === 'error') pageProblems.push('console: ' + m.text()); });
  page.on('pageerror', e => pageProblems.push('page error: ' + e.message));
  // Unrouted requests (a missing asset, /favicon.ico) are audited: the pages make none.
  page.on('response', r => {
    if (r.status() === 404 || r.status() === 405) pageProblems.push('HTTP ' + r.status() + ': ' + r.url());
  });
  fs.mkdirSync(screenshots, { recursive: true });

  await check('(a) locator finds a person by name and booking number, without birthdate or address', async () => {
    await page.goto(base + '/');
    expect(await page.getAttribute('html', 'lang') === 'en', 'html lang is not en');
    const surname = person.name.split(/\s+/).pop();
    await page.getByLabel('Name or booking number').fill(surname);
    await page.getByLabel('Name or booking number').press('Enter');  // keyboard submit
    const row = page.locator('#results table tbody tr', { hasText: person.booking_id });
    await row.waitFor();
    await page.screenshot({ path: path.join(screenshots, 'locator-name.png'), fullPage: true });
    const status = await page.locator('#results-status').textContent();
    expect(/match/.test(status), 'results status: ' + status);
    const html = await page.content();
    const text = await page.locator('body').innerText();
    for (const [what, value] of [['birthdate', person.dob], ['address', person.address], ['phone', person.phone]]) {
      if (!value) continue;
      expect(!html.includes(value) && !text.includes(value), what + ' ' + value + ' appears on the page');
    }
    expect(!/\b(19|20)\d\d-\d\d-\d\d\b/.test(await page.locator('#results').innerText()), 'a date appears in the results');
    // By booking number, through the radio group.
    await page.getByLabel('Booking number', { exact: true }).check();
    await page.getByLabel('Name or booking number').fill(person.booking_id);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#results-status', { hasText: '1 booking matches' }).waitFor();
    const rows = await page.locator('#results table tbody tr').allInnerTexts();
    expect(rows.length === 1 && rows[0].includes(person.name), 'booking search rows: ' + JSON.stringify(rows));
    expect(!(await page.content()).includes(person.dob), 'birthdate appears after the booking search');
    await page.screenshot({ path: path.join(screenshots, 'locator-booking.png'), fullPage: true });
  });

  await check('(b) transparency page shows the served checkpoint and verifier key', async () => {
    await page.goto(base + '/transparency');
    await page.locator('#load-status', { hasText: 'Loaded' }).waitFor();
    const shown = await page.locator('#checkpoint').textContent();
    const served = await api('/log/checkpoint');
    expect(served.status === 200, '/log/checkpoint: HTTP ' + served.status);
    expect(shown === served.text, 'checkpoint on the page differs from /log/checkpoint:\n' + shown + '\n---\n' + served.text);
    expect(shown.split('\n')[0] === 'trustgate.demo/log', 'checkpoint origin line: ' + shown.split('\n')[0]);
    const vkey = await api('/log/vkey');
    expect((await page.locator('#vkey').textContent()) === vkey.text.trim(), 'verifier key differs from /log/vkey');
    const policy = await page.locator('#policy-text').textContent();
    expect(policy.startsWith('== ') && policy.includes('Citation: '), 'policy text: ' + policy.slice(0, 200));
    const stats = await page.locator('#stats').innerText();
    expect(/accesses in the log/.test(stats), 'statistics missing');
    expect(!stats.includes(person.name) && !(await page.content()).includes(person.dob), 'personal data on the transparency page');
    expect(await page.locator('#stats svg[role="img"]').count() >= 1, 'no chart');
    await page.screenshot({ path: path.join(screenshots, 'transparency.png'), fullPage: true });
  });

  await check('(c) inspector signs in on /oversight, opens a finding, sees its evidence entry and proof', async () => {
    await page.goto(base + '/oversight');
    await page.getByLabel('Inspector bearer token').fill(tokens['inspector-general']);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator('#findings table tbody tr', { hasText: 'barred_recipient' }).filter({ hasText: 'ice-ero-officer' });
    await row.first().waitFor();
    expect(await page.locator('#charts svg[role="img"]').count() === 2, 'charts missing');
    await page.screenshot({ path: path.join(screenshots, 'oversight-findings.png'), fullPage: true });
    await row.first().getByRole('button').click();
    await page.locator('#finding-detail').waitFor();
    expect(await page.evaluate(() => document.activeElement.id) === 'finding-heading', 'focus did not move to the finding');
    const evidence = page.locator('#evidence button');
    expect(await evidence.count() >= 3, 'fewer than three evidence entries');
    const first = await evidence.first().getAttribute('data-index');
    await evidence.first().click();
    await page.locator('#entry-heading', { hasText: 'Audit entry ' + first }).waitFor();
    const record = await page.locator('#entry-record').textContent();
    expect(record.includes('"ice-ero-officer"'), 'entry record is not the officer\'s: ' + record.slice(0, 200));
    const proof = await page.locator('#entry-proof').textContent();
    expect(proof.startsWith('c2sp.org/tlog-proof@v1\n'), 'proof text: ' + proof.slice(0, 80));
    expect(proof.includes('\nindex ' + first + '\n'), 'proof is not for index ' + first + ':\n' + proof);
    expect((await page.locator('#entry-leaf').textContent()).length > 40, 'no leaf hash');
    expect(await page.evaluate(() => sessionStorage.getItem('trustgate.inspector_token') !== null), 'token not in sessionStorage');
    await page.screenshot({ path: path.join(screenshots, 'oversight-entry.png'), fullPage: true });
  });

  await check('(d) every page: lang, one h1, headings in order, every control labelled', async () => {
    for (const route of ['/', '/transparency', '/oversight']) {
      await page.goto(base + route);
      const problems = await page.evaluate(() => {
        const out = [];
        if (document.documentElement.lang !== 'en') out.push('lang is not en');
        const levels = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]));
        if (levels.filter(l => l === 1).length !== 1 || levels[0] !== 1) out.push('not exactly one h1 first: ' + levels);
        levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) out.push('heading skips from h' + levels[i - 1] + ' to h' + l); });
        for (const c of document.querySelectorAll('input, select, textarea')) {
          if (c.type === 'hidden') continue;
          if (c.labels.length === 0 && !c.getAttribute('aria-label')) out.push('unlabelled control #' + c.id);
        }
        for (const b of document.querySelectorAll('button')) if (!b.textContent.trim()) out.push('button without a name');
        return out;
      });
      expect(problems.length === 0, route + ': ' + problems.join('; '));
    }
  });

  await check('pages load no outside resource and break no Content-Security-Policy', async () => {
    expect(pageProblems.length === 0, pageProblems.join('\n'));
  });
} catch (e) {
  results.push(['setup', false]);
  console.log('FAIL setup: ' + (e && e.stack ? e.stack : e));
} finally {
  if (browser) await browser.close();
  demo.kill('SIGTERM');
  await new Promise(resolve => { if (demo.exitCode !== null) resolve(); else demo.on('exit', resolve); });
  if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
}
const passed = results.filter(r => r[1]).length;
const failed = results.length - passed;
console.log('screenshots in ' + screenshots);
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed === 0 && passed > 0 ? 0 : 1);
