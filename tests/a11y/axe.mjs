// Accessibility check of HTML reports: each file is loaded in headless
// Chromium (Debian's chromium package) at a desktop width and at 320 CSS
// pixels, and axe-core looks for WCAG 2.0, 2.1 and 2.2 A and AA failures.
// Also fails when the page asks for anything but itself (a report is one
// self-contained file) or, at 320 pixels, is wider than the screen (WCAG
// 1.4.10 Reflow, which axe does not test).
//
// usage: node axe.mjs [--screenshots DIR] FILE.html...
// CHROMIUM names the browser (default /usr/bin/chromium).
// Exit status: 0 no violations, 1 violations, 2 usage or browser trouble.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDTHS = [1280, 320];

const args = process.argv.slice(2);
let shots = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--screenshots' && i + 1 < args.length) shots = args[++i];
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log('usage: node axe.mjs [--screenshots DIR] FILE.html...');
    process.exit(0);
  } else files.push(args[i]);
}
if (!files.length) {
  console.error('axe.mjs: no HTML file given\nusage: node axe.mjs [--screenshots DIR] FILE.html...');
  process.exit(2);
}
for (const f of files) {
  if (!existsSync(f)) {
    console.error(`axe.mjs: ${f}: no such file`);
    process.exit(2);
  }
}

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
} catch (err) {
  console.error(`axe.mjs: cannot start ${executablePath}: ${err.message.split('\n')[0]}`);
  process.exit(2);
}

let problems = 0;
try {
  for (const file of files) {
    const url = pathToFileURL(path.resolve(file)).href;
    for (const width of WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const outside = [];
      await page.route('**/*', (route) => {
        const u = route.request().url();
        if (u === url) return route.continue();
        outside.push(u);
        return route.abort();
      });
      await page.goto(url, { waitUntil: 'load' });
      const where = `${file} at ${width}px`;

      const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      for (const v of result.violations) {
        problems++;
        console.log(`FAIL ${where}: ${v.id} (${v.impact}): ${v.help}`);
        for (const n of v.nodes.slice(0, 5))
          console.log(`     ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
        if (v.nodes.length > 5) console.log(`     ... and ${v.nodes.length - 5} more`);
      }
      for (const u of outside) {
        problems++;
        console.log(`FAIL ${where}: the page asks for ${u}; a report must be self-contained`);
      }
      // axe cannot judge text inside SVG ("incomplete"): chart labels need 4.5:1
      // against what is behind the chart, bars 3:1 (WCAG 1.4.3, 1.4.11).
      const svgLow = await page.evaluate(() => {
        const lum = (c) => {
          const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => {
            v /= 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const ratio = (a, b) => {
          const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
          return (x + 0.05) / (y + 0.05);
        };
        const behind = (el) => {
          for (let e = el; e; e = e.parentElement) {
            const c = getComputedStyle(e).backgroundColor;
            if (c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) return c;
          }
          return 'rgb(255, 255, 255)';
        };
        const low = [];
        let n = 0;
        for (const svg of document.querySelectorAll('svg')) {
          const back = behind(svg.parentElement);
          for (const el of svg.querySelectorAll('text, rect')) {
            const need = el.tagName === 'text' ? 4.5 : 3;
            const r = ratio(getComputedStyle(el).fill, back);
            n++;
            if (r < need) low.push(`${el.tagName} "${el.textContent}" ${r.toFixed(2)}:1, needs ${need}:1`);
          }
        }
        return { n, low };
      });
      for (const l of svgLow.low.slice(0, 5)) {
        problems++;
        console.log(`FAIL ${where}: chart contrast: ${l}`);
      }
      if (svgLow.low.length > 5) {
        problems += svgLow.low.length - 5;
        console.log(`     ... and ${svgLow.low.length - 5} more chart elements with low contrast`);
      }
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (width <= 320 && wide > 0) {
        problems++;
        console.log(`FAIL ${where}: the page is ${wide}px wider than the screen (WCAG 1.4.10)`);
      }
      const bad = result.violations.length || outside.length || svgLow.low.length || (width <= 320 && wide > 0);
      console.log(`${bad ? 'FAIL' : 'ok  '} ${where}: ${result.passes.length} axe rules passed, ` +
        `${result.violations.length} violated, ${result.incomplete.length} left to a person ` +
        `(${result.incomplete.map((v) => v.id).join(', ') || 'none'}); ` +
        `${svgLow.n} chart elements checked for contrast`);
      if (shots) {
        const name = `${path.basename(file, '.html')}-${width}.png`;
        await page.screenshot({ path: path.join(shots, name), fullPage: true });
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`a11y: ${files.length} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
