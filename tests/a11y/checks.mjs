// What the browser tests of the web service share: ok/fail lines, a count
// of the failures, and the page audit: axe-core (WCAG 2.0, 2.1 and 2.2 A
// and AA) at 1280 and 320 CSS pixels, where the page must also not be wider
// than the screen (WCAG 1.4.10 Reflow).
import { AxeBuilder } from '@axe-core/playwright';

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDTHS = [1280, 320];

let failures = 0;

export function fail(msg) {
  failures++;
  console.log(`FAIL ${msg}`);
}

export function ok(msg) {
  console.log(`ok   ${msg}`);
}

export function problems() {
  return failures;
}

// axe and the width check on the page as it stands, at each width; the
// page is left at 1280 pixels, as the tests' browsers start.
export async function audit(page, label) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const result = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    for (const v of result.violations) {
      fail(`${label} at ${width}px: ${v.id} (${v.impact}): ${v.help}`);
      for (const n of v.nodes.slice(0, 5))
        console.log(`     ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`);
    }
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > width) fail(`${label} at ${width}px: the page is ${wide}px wide`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  ok(`${label}: axe-core and reflow checked at ${WIDTHS.join(' and ')}px`);
}
