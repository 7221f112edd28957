// The web service in a real browser: an officer logs in, types a standard
// form and an Easy Read form, each with a mistake the page points out and
// that is then corrected, and saves them, then changes the saved Easy Read
// form; a supervisor opens the page of
// differences. Every page is checked with axe-core (WCAG 2.0, 2.1 and 2.2
// A and AA) at 1280 and at 320 CSS pixels, where it must also not be wider
// than the screen (WCAG 1.4.10 Reflow). The caller checks the database.
//
// usage: node web.mjs BASE_URL OFFICER SUPERVISOR PASSWORD
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 all good, 1 a check failed, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { audit, fail, ok, problems } from './checks.mjs';

const [base, officer, supervisor, password] = process.argv.slice(2);
if (!password) {
  console.error('usage: node web.mjs BASE_URL OFFICER SUPERVISOR PASSWORD');
  process.exit(2);
}

async function login(page, name) {
  await page.goto(`${base}/login`);
  await audit(page, 'login page');
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Log in")')]);
  if (!(await page.content()).includes(name)) fail(`${name} could not log in`);
}

async function start(page, form) {
  await page.goto(`${base}/`);
  await page.selectOption('#event', 'LE-HAN-1');
  await page.check(form === 'easy-read' ? '#form-easy' : '#form-standard');
  await page.check('#mode-first');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Start")')]);
}

async function submit(page, text) {
  await Promise.all([page.waitForNavigation(), page.click(`button:has-text("${text}")`)]);
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (err) {
  console.error(`web.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const outside = [];
  page.on('request', (req) => { if (!req.url().startsWith(base)) outside.push(req.url()); });
  page.on('console', (msg) => { if (msg.type() === 'error') fail(`console: ${msg.text()}`); });

  await login(page, officer);
  await audit(page, 'home page');

  // A standard form: a postcode that is not one, then corrected.
  await start(page, 'standard');
  await audit(page, 'standard form');
  await page.fill('#serial', 'B-1');
  await page.check('#q1');
  await page.check('#q2');
  await page.check('#q2-3');
  await page.fill('#q3', 'The nurses at the walk-in centre were kind');
  await page.check('#q20-7');
  await page.fill('#q23', 'NOT A POSTCODE');
  await submit(page, 'Check the answers');
  const wrong = await page.content();
  if (!wrong.includes('There is a problem') || !wrong.includes('id="q23-error"'))
    fail('the postcode mistake is not shown next to the field');
  else ok('the mistake is shown in the summary and next to the field');
  await audit(page, 'standard form with a mistake');
  await page.click('.error-summary a[href="#q23"]');
  if (await page.evaluate(() => document.activeElement.id) !== 'q23')
    fail('the error summary link does not take you to the field');
  await page.fill('#q23', 'WS11 1AA');
  await submit(page, 'Check the answers');
  await audit(page, 'review page');
  if (!(await page.content()).includes('WS11 1AA')) fail('the review does not show the postcode');
  await submit(page, 'Save this form');
  if (!(await page.content()).includes('Form B-1 saved')) fail('the standard form was not saved');
  else ok('the standard form is saved');
  await audit(page, 'saved page');

  // An Easy Read form: no serial number at first, then given.
  await start(page, 'easy-read');
  await audit(page, 'Easy Read form');
  await page.fill('#q1', 'Help with my medicines');
  await page.check('#q3');
  await page.check('#q4-2');
  await submit(page, 'Check the answers');
  if (!(await page.content()).includes('id="serial-error"'))
    fail('a missing serial number is not shown next to the field');
  else ok('a missing serial number is pointed out');
  await audit(page, 'Easy Read form with a mistake');
  await page.fill('#serial', 'B-2');
  await submit(page, 'Check the answers');
  await submit(page, 'Change an answer');
  if (await page.inputValue('#q1') !== 'Help with my medicines')
    fail('changing an answer lost what was typed');
  await page.check('#q6-2');
  await submit(page, 'Check the answers');
  await submit(page, 'Save this form');
  if (!(await page.content()).includes('Form B-2 saved')) fail('the Easy Read form was not saved');
  else ok('the Easy Read form is saved');

  // The officer's typed forms, and changing one before it is checked: the
  // Change page holds what was saved, and then lists the earlier version.
  await page.goto(`${base}/entry/mine`);
  await audit(page, 'typed forms page');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Change form B-2")')]);
  await audit(page, 'change page');
  if (await page.inputValue('#q1') !== 'Help with my medicines')
    fail('the Change page does not hold the saved answer');
  await page.fill('#q1', 'Help with my medicines at home');
  await submit(page, 'Check the answers');
  await submit(page, 'Save this form');
  if (!(await page.content()).includes('Form B-2 is changed')) fail('the change was not saved');
  else ok('a saved form is changed');
  await Promise.all([page.waitForNavigation(), page.click('a:has-text("Change form B-2")')]);
  if (!(await page.content()).includes('Earlier versions')) fail('the earlier version is not listed');
  await audit(page, 'change page with an earlier version');

  await submit(page, 'Log out');
  await login(page, supervisor);
  await page.goto(`${base}/resolve`);
  await audit(page, 'differences page');

  if (outside.length) fail(`the pages asked for ${outside.join(', ')}`);
  await context.close();
} catch (err) {
  fail(`the browser test stopped: ${err.message.split('\n')[0]}`);
} finally {
  await browser.close();
}
console.log(problems() ? `${problems()} problem(s)` : 'all browser checks passed');
process.exit(problems() ? 1 : 0);
