// The kiosk in a real browser. A supervisor makes two kiosk links (a
// standard form with the idle reset at 5 minutes, an Easy Read form at 1);
// on the "tablet" (a browser with no login) two respondents in a row fill
// the standard form, each thanked above a blank one; then an Easy Read form
// is half filled and left alone: "Are you still there?" comes up, "I am
// still here" keeps the answers, and left alone again the form is replaced
// by a blank one.
// Every page is checked with axe-core (WCAG 2.0, 2.1 and 2.2 A and AA) at
// 1280 and 320 CSS pixels, and must not be wider than the screen. The
// caller checks the database.
//
// usage: node kiosk.mjs BASE_URL SUPERVISOR PASSWORD
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 all good, 1 a check failed, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { audit, fail, ok, problems } from './checks.mjs';

const [base, supervisor, password] = process.argv.slice(2);
if (!password) {
  console.error('usage: node kiosk.mjs BASE_URL SUPERVISOR PASSWORD');
  process.exit(2);
}

// The page's HTML once it has settled: right after a navigation (going back
// over a form post) the content cannot be read until the load is done.
async function settled(page) {
  for (let i = 0; ; i++) {
    await page.waitForLoadState('load').catch(() => {});
    try {
      return await page.content();
    } catch (err) {
      if (i >= 20 || !/navigating/.test(err.message)) throw err;
      await page.waitForTimeout(250);
    }
  }
}

async function submit(page, text) {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${text}")`)]);
}

async function makeLink(page, form, idle) {
  await page.goto(`${base}/kiosks`);
  await page.selectOption('#event', 'LE-HAN-1');
  await page.check(form === 'easy-read' ? '#form-easy' : '#form-standard');
  await page.fill('#idle', String(idle));
  await submit(page, 'Make the link');
  const m = (await page.content()).match(/\/kiosk\?k=[0-9a-f]{64}/);
  if (!m) fail(`no ${form} kiosk link was made`);
  return m ? m[0] : '/kiosk?k=none';
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (err) {
  console.error(`kiosk.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

try {
  // The supervisor, on the laptop.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const sup = await office.newPage();
  await sup.goto(`${base}/login`);
  await sup.fill('#name', supervisor);
  await sup.fill('#password', password);
  await submit(sup, 'Log in');
  await sup.goto(`${base}/kiosks`);
  await audit(sup, 'kiosk links page');
  const standard = await makeLink(sup, 'standard', 5);
  await audit(sup, 'new kiosk link page');
  const easy = await makeLink(sup, 'easy-read', 1);
  await sup.goto(`${base}/kiosks`);
  await audit(sup, 'kiosk links page with links');
  await sup.goto(`${base}/figures`);
  await audit(sup, 'typing figures page');
  await office.close();

  // The tablet: nobody logged in.
  const tablet = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await tablet.newPage();
  const outside = [];
  page.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()); });
  page.on('console', (msg) => { if (msg.type() === 'error') fail(`console: ${msg.text()}`); });

  await page.goto(`${base}${standard}`);
  await audit(page, 'kiosk form');
  // The first respondent, with a mistake first.
  await page.check('#q1');
  await page.fill('#q3', 'The first person: kind staff');
  await page.fill('#q23', 'NOT A POSTCODE');
  await submit(page, 'Send my answers');
  if (!(await page.content()).includes('id="q23-error"'))
    fail('the kiosk does not show the postcode mistake next to the field');
  await audit(page, 'kiosk form with a mistake');
  await page.fill('#q23', '');
  await submit(page, 'Send my answers');
  if (!(await page.content()).includes('Thank you')) fail('the first respondent is not thanked');
  else ok('the first respondent sends the form and is thanked');
  await audit(page, 'kiosk thank-you page');
  // The second respondent gets a blank form below the thanks.
  if (await page.inputValue('#q3') !== '' || await page.isChecked('#q1'))
    fail('the second respondent sees the first one\'s answers');
  else ok('the second respondent gets a blank form');
  // Back: the page before was a form post, which is not kept (no-store), so
  // the browser cannot show it without sending it again.
  await page.goBack().catch(() => {});
  if ((await settled(page)).includes('The first person'))
    fail('going back shows the first respondent\'s answers');
  else ok('going back does not show the first respondent\'s answers');
  await page.goto(`${base}${standard}`);
  await page.check('#q1-2');
  await page.fill('#q3', 'The second person: short wait');
  await submit(page, 'Send my answers');
  if (!(await page.content()).includes('Thank you')) fail('the second respondent is not thanked');
  else ok('the second respondent sends the form');

  // Easy Read, half filled, then left alone past the idle minutes (1).
  await page.goto(`${base}${easy}`);
  await audit(page, 'Easy Read kiosk form');
  await page.fill('#q1', 'Left half done');
  await page.check('#q3');
  await page.waitForSelector('#still-there', { state: 'visible', timeout: 90000 });
  if (await page.evaluate(() => document.activeElement.id) !== 'still-there-keep')
    fail('"Are you still there?" does not take the focus to its button');
  else ok('after the idle minutes the kiosk asks "Are you still there?"');
  await audit(page, 'Easy Read kiosk form asking "Are you still there?"');
  await page.click('#still-there-keep');
  if (await page.isVisible('#still-there') || await page.inputValue('#q1') !== 'Left half done')
    fail('"I am still here" does not keep the answers');
  else ok('"I am still here" keeps the answers');
  // Left alone again: the warning, then 30 seconds later a blank form.
  await page.waitForSelector('#still-there', { state: 'visible', timeout: 90000 });
  await page.waitForNavigation({ timeout: 60000 });
  await page.waitForLoadState('load');
  if (await page.inputValue('#q1') !== '' || await page.isChecked('#q3'))
    fail('the idle reset did not bring a blank form back');
  else ok('a form left alone is replaced by a blank one');

  if (outside.length) fail(`the pages asked for ${outside.join(', ')}`);
  await tablet.close();
} catch (err) {
  fail(`the browser test stopped: ${err.message.split('\n')[0]}`);
} finally {
  await browser.close();
}
console.log(problems() ? `${problems()} problem(s)` : 'all browser checks passed');
process.exit(problems() ? 1 : 0);
