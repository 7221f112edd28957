// The report editor in a real browser, as a comms officer uses it. An
// officer is refused the editor. The comms account swaps the first two
// themes, writes the introduction, approves two quotes of the (new) first
// theme and rejects a third (first without a reason: the error is shown),
// and publishes. Then it looks at the pairs layout's preview and puts the
// layout back. Every page (the published page's preview in both layouts
// too) is checked with axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) at 1280
// and 320 CSS pixels, and must not be wider than the screen. The caller
// checks the database and the published file.
//
// usage: node report.mjs BASE_URL COMMS OFFICER PASSWORD
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 all good, 1 a check failed, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { audit, fail, ok, problems } from './checks.mjs';

const [base, comms, officer, password] = process.argv.slice(2);
if (!password) {
  console.error('usage: node report.mjs BASE_URL COMMS OFFICER PASSWORD');
  process.exit(2);
}

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function login(page, name) {
  await page.goto(`${base}/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await submit(page, 'button:has-text("Log in")');
  if (!(await page.content()).includes(name)) fail(`${name} could not log in`);
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (err) {
  console.error(`report.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

try {
  // An officer cannot reach the editor.
  const office = await browser.newContext();
  const op = await office.newPage();
  await login(op, officer);
  const refused = await op.goto(`${base}/report`);
  if (refused.status() === 403) ok('an officer is refused the report editor');
  else fail(`an officer opened the report editor (${refused.status()})`);
  await office.close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, comms);
  await audit(page, 'comms home page');
  await page.click('a:has-text("Edit and publish the report")');
  await page.waitForLoadState('load');
  await audit(page, 'report editor');

  // Swap the first two themes.
  const shown = await page.$$eval('input[name="show"]:checked', (els) => els.map((e) => e.value));
  if (shown.length < 2) fail(`fewer than two themes are ticked (${shown.length})`);
  await page.fill(`[id="order-${shown[0]}"]`, '2');
  await page.fill(`[id="order-${shown[1]}"]`, '1');
  await page.fill('#intro', 'Thank you to the 650 people who told us what they think.');
  await submit(page, 'button:has-text("Save changes")');
  if ((await page.content()).includes('Your changes are saved')) ok('the editor saved');
  else fail('the editor did not say it saved');
  await audit(page, 'report editor, saved');
  const now = await page.$$eval('input[name="show"]:checked', (els) => els.map((e) => e.value));
  if (now[0] === shown[1] && now[1] === shown[0]) ok('the first two themes are swapped');
  else fail(`the themes are not swapped: ${now.slice(0, 2)}`);

  // Quotes of the new first theme.
  await page.click(`a[href="/report/quotes?theme=${encodeURIComponent(shown[1])}"]`);
  await page.waitForLoadState('load');
  await audit(page, 'quotes page');
  await submit(page, 'button:has-text("Approve quote 1")');
  await submit(page, 'button:has-text("Approve quote 2")');
  await submit(page, 'button:has-text("Reject quote 3")');
  if ((await page.content()).includes('Say why you reject the quote')) ok('a rejection needs a reason');
  else fail('a rejection without a reason was not refused');
  await audit(page, 'quotes page with an error');
  const reason = await page.$$eval('input[name="reason"]', (els) => els.map((e) => e.id));
  await page.fill(`[id="${reason[2]}"]`, 'It names a member of staff.');
  await submit(page, 'button:has-text("Reject quote 3")');
  const body = await page.content();
  const approved = (body.match(/Approved: it will be published/g) || []).length;
  if (approved === 2 && body.includes('Rejected: It names a member of staff.'))
    ok('two quotes approved, one rejected with its reason');
  else fail(`the quotes page shows ${approved} approved and no rejection`);
  await audit(page, 'quotes page after deciding');

  await page.goto(`${base}/report/preview`);
  await audit(page, 'preview, statistical layout');
  await page.goto(`${base}/report`);
  await submit(page, 'button:has-text("Publish")');
  if ((await page.content()).includes('<h1>Published</h1>')) ok('published');
  else fail('the Publish button did not publish');
  await audit(page, 'published page');

  // The pairs layout, looked at and put back.
  await page.goto(`${base}/report`);
  await page.check('#layout-pairs');
  await submit(page, 'button:has-text("Save changes")');
  await page.goto(`${base}/report/preview`);
  if ((await page.content()).includes('<h3>We did</h3>')) ok('the pairs layout shows');
  else fail('the pairs layout does not show');
  await audit(page, 'preview, pairs layout');
  await page.goto(`${base}/report`);
  await page.check('#layout-statistical');
  await submit(page, 'button:has-text("Save changes")');
  await ctx.close();
} catch (err) {
  fail(`the browser test stopped: ${err.message.split('\n')[0]}`);
}
await browser.close();
process.exit(problems() ? 1 : 0);
