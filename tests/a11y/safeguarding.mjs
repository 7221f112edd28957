// The safeguarding queue in a real browser, as an analyst uses it. An
// officer is refused it (403). The analyst opens the queue from the home
// page, sees the flagged answer's words escaped (the planted <b> shows as
// text), records a review without saying what was done (the error is
// shown), then with it; the answer moves to "Reviewed". Every page is
// checked with axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) at 1280 and 320
// CSS pixels. The caller checks the database.
//
// usage: node safeguarding.mjs BASE_URL ANALYST OFFICER PASSWORD ANSWER_ID
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 all good, 1 a check failed, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { audit, fail, ok, problems } from './checks.mjs';

const [base, analyst, officer, password, answer] = process.argv.slice(2);
if (!answer) {
  console.error('usage: node safeguarding.mjs BASE_URL ANALYST OFFICER PASSWORD ANSWER_ID');
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
  console.error(`safeguarding.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

try {
  const office = await browser.newContext();
  const op = await office.newPage();
  await login(op, officer);
  const refused = await op.goto(`${base}/safeguarding`);
  if (refused.status() === 403) ok('an officer is refused the safeguarding queue');
  else fail(`an officer opened the safeguarding queue (${refused.status()})`);
  await office.close();

  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await login(page, analyst);
  await audit(page, 'analyst home page');
  await submit(page, 'a:has-text("Safeguarding")');
  await audit(page, 'safeguarding queue');
  const card = page.locator(`#a-${answer}`);
  if (await card.count() === 1) ok(`answer ${answer} is in the queue`);
  else fail(`answer ${answer} is not in the queue`);
  const quoted = await card.locator('blockquote').innerText();
  if (quoted.includes('<b>to go home</b>') && (await card.locator('blockquote b').count()) === 0)
    ok('what was written is shown as text, escaped');
  else fail(`the answer is not shown escaped: ${quoted}`);
  if ((await card.locator('mark').count()) === 1) ok('the matched words are marked');
  else fail('the matched words are not marked');

  // Without saying what was done: refused, and said.
  await page.$eval(`#action-${answer}`, (el) => el.removeAttribute('required'));
  await submit(page, `#a-${answer} button`);
  if ((await page.content()).includes('Say what was done')) ok('an empty action is refused');
  else fail('an empty action was not refused');
  await audit(page, 'safeguarding queue, error');

  await page.fill(`#action-${answer}`, 'Referred to the safeguarding lead');
  await submit(page, `#a-${answer} button`);
  const after = await page.content();
  if (after.includes('Seen by ' + analyst) && after.includes('Referred to the safeguarding lead'))
    ok('the review is recorded under the analyst\'s name');
  else fail('the review is not shown as recorded');
  if ((await page.locator(`#action-${answer}`).count()) === 0) ok('the answer left the queue');
  else fail('the answer is still waiting');
  await audit(page, 'safeguarding queue, reviewed');
} catch (err) {
  fail(`safeguarding.mjs: ${err.message.split('\n')[0]}`);
} finally {
  await browser.close();
}
process.exit(problems() ? 1 : 0);
