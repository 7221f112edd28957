// The analysts' review in a real browser. An officer and a comms account
// are refused every review address, pages and forms alike (403). The
// analyst opens the queues and the progress page, then one response: it
// removes a tag the rules gave (with a reason written as markup, which must
// come back as text) and adds a theme the rules missed, and marks the
// answer reviewed. Every page is checked with axe-core (WCAG 2.0, 2.1 and
// 2.2 A and AA) at 1280 and 320 CSS pixels (checks.mjs). The caller checks
// the database, the counts and what survives a new tag run.
// With a coded sample (SAMPLE, a gold CSV; BAD_SAMPLE, one with problems):
// the analyst uploads the bad one and is told each problem with its line,
// uploads the good one, sees it listed with its file's name (as text),
// opens its queue of disagreements and finds exactly
// the responses EXPECT (numbers, comma-separated) listed, and RULES_ONLY
// when comparing with the rules alone; officers and comms are refused the
// samples' pages and form. The progress page indents sub-themes and says so.
//
// usage: node review.mjs BASE_URL ANALYST OFFICER COMMS PASSWORD RESPONSE ANSWER REMOVE ADD
//                        [SAMPLE BAD_SAMPLE EXPECT RULES_ONLY]
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 all good, 1 a check failed, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { audit, fail, ok, problems } from './checks.mjs';

const [base, analyst, officer, comms, password, response, answer, remove, add, sample,
       badSample, expect, rulesOnly] = process.argv.slice(2);
if (!add) {
  console.error('usage: node review.mjs BASE_URL ANALYST OFFICER COMMS PASSWORD RESPONSE ' +
                'ANSWER REMOVE ADD');
  process.exit(2);
}
const REASON = '<b>not</b> about this & "that"';

async function submit(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

async function login(page, name) {
  await page.goto(`${base}/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await submit(page, page.locator('button:has-text("Log in")'));
  if (!(await page.content()).includes(name)) fail(`${name} could not log in`);
}

// Every review address, as a page and as a form, is refused to `who`.
async function refused(browser, who) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, who);
  const csrf = await page.getAttribute('input[name="csrf"]', 'value');
  for (const path of ['/review', '/review?queue=sample', `/review/response?id=${response}`,
                      '/review/progress', '/review/samples',
                      '/review?queue=disagree&sample=x']) {
    const r = await page.goto(`${base}${path}`);
    if (r.status() !== 403) fail(`${who} opened ${path} (${r.status()})`);
  }
  for (const [path, form] of [['/review/decide', { csrf, answer, theme: remove, action: 'remove' }],
                              ['/review/reviewed', { csrf, answer }],
                              ['/review/samples', { csrf, action: 'drop', name: 'x' }]]) {
    const r = await page.request.post(`${base}${path}`, { form, maxRedirects: 0 });
    if (r.status() !== 403) fail(`${who} posted to ${path} (${r.status()})`);
  }
  ok(`${who} is refused every review page and form (403)`);
  await ctx.close();
}

// The responses a queue page lists, as numbers, sorted.
async function listed(page) {
  const hrefs = await page.$$eval('tbody a', (els) => els.map((e) => e.getAttribute('href')));
  return [...new Set(hrefs.map((h) => Number(/id=(\d+)/.exec(h)[1])))].sort((a, b) => a - b).join();
}

// Uploading a coded sample, its queue of disagreements, theme by theme.
async function codedSample(page) {
  await page.goto(`${base}/review`);
  await submit(page, page.locator('a:has-text("Coded samples")'));
  await audit(page, 'coded samples, none stored');
  await page.fill('#name', 'Audit <one>');
  await page.setInputFiles('#file', badSample);
  await submit(page, page.locator('button:has-text("Load the sample")'));
  const summary = await page.locator('.error-summary').textContent().catch(() => '');
  if (/Line 2: unknown theme 'NO-SUCH-THEME'/.test(summary) && /Line 3: /.test(summary))
    ok('a file with problems is refused, each problem with its line');
  else fail(`the problems of the file are not listed by line: ${summary}`);
  await audit(page, 'coded samples, a file refused');
  await page.fill('#name', 'Audit <one>');
  await page.setInputFiles('#file', sample);
  await submit(page, page.locator('button:has-text("Load the sample")'));
  if ((await page.locator('[role="status"]').textContent()).includes('Audit <one> is stored'))
    ok('the analyst uploads the coded sample');
  else fail('the coded sample was not stored');
  // The list names the file it came from, as text (the caller may give it a name with markup).
  const fileName = sample.split('/').pop();
  const cells = await page.locator('tbody tr', { hasText: 'Audit <one>' }).locator('td')
    .allTextContents();
  const heads = await page.$$eval('thead th', (els) => els.map((e) => e.textContent));
  if (cells.includes(fileName) && heads.includes('File') &&
      (await page.locator('tbody img, tbody b').count()) === 0)
    ok(`the list names the sample's file, as text: ${fileName}`);
  else fail(`the list does not name the file ${fileName}: ${cells.join(' | ')}`);
  await audit(page, 'coded samples, one stored');
  await submit(page, page.locator('a:has-text("See where it and the tags disagree")'));
  if ((await page.locator('h1').textContent()) === 'Disagreements with coded sample Audit <one>')
    ok('the queue is named for the sample (the name shown as text)');
  else fail('the disagreement queue has the wrong heading');
  const got = await listed(page);
  if (got === expect) ok(`rules and decisions against the sample: responses ${got} listed`);
  else fail(`the queue lists responses ${got}, not ${expect}`);
  const queueHeads = await page.$$eval('thead th', (els) => els.map((e) => e.textContent));
  if (queueHeads.some((t) => t.startsWith('Missed')) &&
      queueHeads.some((t) => t.startsWith('Extra')))
    ok('missed and extra themes are shown apart');
  else fail('the queue does not say which themes are missed and which extra');
  if ((await page.content()).includes('Coder\'s note: the car park complaint is about parking'))
    ok('the coder\'s note is shown beside the answer');
  else fail('the coder\'s note is not shown');
  await audit(page, 'queue: disagreements with a coded sample');
  await submit(page, page.locator('a:has-text("Compare with the rules alone instead")'));
  const alone = await listed(page);
  if (alone === rulesOnly) ok(`the rules alone against the sample: responses ${alone} listed`);
  else fail(`with the rules alone the queue lists responses ${alone}, not ${rulesOnly}`);
  await audit(page, 'queue: disagreements with the rules alone');
  const first = expect.split(',')[0];
  await submit(page, page.locator(`tbody a[href^="/review/response?id=${first}#"]`).first());
  if ((await page.locator(`section[id^="a-"]`).count()) > 0)
    ok(`the queue links to response ${first}'s review page`);
  else fail('the queue\'s link does not lead to the response');
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (err) {
  console.error(`review.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

try {
  await refused(browser, officer);
  await refused(browser, comms);

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, analyst);
  await audit(page, 'analyst home page');
  await submit(page, page.locator('a:has-text("Answers with no theme")'));
  await audit(page, 'queue: answers with no theme');
  await page.goto(`${base}/review?queue=sample`);
  const first = await page.$$eval('tbody a', (els) => els.map((e) => e.getAttribute('href')));
  await page.goto(`${base}/review?queue=sample`);
  const again = await page.$$eval('tbody a', (els) => els.map((e) => e.getAttribute('href')));
  if (first.length === 25 && first.join() === again.join()) ok('the audit sample keeps its order');
  else fail(`the audit sample changed between two visits (${first.length} answers)`);
  await audit(page, 'queue: a random sample');
  await submit(page, page.locator('a:has-text("Next page")'));
  if ((await page.content()).includes('Page 2: answers 26 to 50.')) ok('the sample has a second page');
  else fail('the next page link does not lead to page 2');
  await page.selectOption('#theme', remove);
  await submit(page, page.locator('button:has-text("Show the theme\'s answers")'));
  if ((await page.content()).includes(`/review/response?id=${response}#a-${answer}`) ||
      (await page.content()).includes('Next page'))
    ok('the theme queue lists the theme\'s answers');
  else fail('the theme queue does not list the answer the rules tagged');
  await audit(page, 'queue: one theme');
  await page.goto(`${base}/review/progress`);
  await audit(page, 'progress');
  const subs = await page.$$eval('tr.sub-theme th[scope="row"]', (els) => els.map((e) => ({
    indent: parseFloat(getComputedStyle(e).paddingLeft), said: e.textContent,
    headers: e.getAttribute('headers') })));
  const mains = await page.$$eval('table:first-of-type tbody tr:not(.sub-theme) th[scope="row"]',
                                  (els) => els.map((e) => parseFloat(getComputedStyle(e).paddingLeft)));
  if (subs.length && subs.every((x) => x.indent > Math.max(...mains) && x.said.includes(', sub-theme: ') &&
                                /^t-/.test(x.headers)))
    ok(`the progress page indents its ${subs.length} sub-themes and names each one's parent`);
  else fail('the progress page does not set the sub-themes under their parent');

  await page.goto(`${base}/review/response?id=${response}`);
  await audit(page, 'a response to review');
  const sec = page.locator(`#a-${answer}`);
  if ((await sec.locator('mark').count()) > 0 &&
      (await sec.locator('mark .hidden').first().textContent()).includes('matched'))
    ok('the matched words are marked, and said in words');
  else fail('the answer has no marked words');

  // Remove the wrong tag, with a reason.
  const rm = sec.locator(`form:has(input[name="action"][value="remove"]):has(input[name="theme"][value="${remove}"])`);
  await rm.locator('input[name="reason"]').fill(REASON);
  await submit(page, rm.locator('button'));
  // Add the missed theme.
  await page.selectOption(`#add-${answer}`, add);
  await page.fill(`#add-reason-${answer}`, 'the rules missed it');
  await submit(page, page.locator(`#a-${answer} button:has-text("Add theme")`));
  await submit(page, page.locator(`#a-${answer} button:has-text("reviewed")`));
  const text = await page.locator(`#a-${answer}`).textContent();
  if (text.includes(`Removed by ${analyst}`) && text.includes(REASON) &&
      text.includes(`Added by ${analyst}`) && text.includes(`Reviewed by ${analyst}`))
    ok('the page shows the removal with its reason, the addition and the review');
  else fail('the page does not show the decisions');
  if ((await page.locator(`#a-${answer} b`).count()) === 0) ok('the reason is shown as text');
  else fail('the reason was taken as markup');
  await audit(page, 'a response after the decisions');
  if (sample) await codedSample(page);
  await ctx.close();
} catch (err) {
  fail(`the browser test stopped: ${err.message.split('\n')[0]}`);
}
await browser.close();
process.exit(problems() ? 1 : 0);
