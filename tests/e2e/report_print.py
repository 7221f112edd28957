#!/usr/bin/env python3
"""Printing "You said, we did": the demo's page in both layouts printed to
PDF by Chromium, then measured with poppler: A4 pages, not too many of them,
no page left half empty by a block that would not split, no blank page, and
no page ending with a heading whose content went over to the next one.

usage: report_print.py COLLECTOR ANALYSER
Needs /usr/bin/chromium (CHROMIUM) and poppler-utils (pdfinfo, pdftoppm,
pdftotext): skipped (77) without them, unless TALLY_REQUIRE_A11Y=1.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

COLLECTOR, ANALYSER = (os.path.abspath(p) for p in sys.argv[1:3])
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
# Pages at most: the statistical page is a page or two a theme; the pairs are short.
MOST = {'statistical': 13, 'pairs': 5}
FULL = 0.65     # a page before the last is filled at least this far down
failures = []


def check(ok, what):
    print(('ok   ' if ok else 'FAIL ') + what, flush=True)
    if not ok:
        failures.append(what)


if not (os.access(CHROMIUM, os.X_OK) and shutil.which('pdftoppm') and shutil.which('pdfinfo')
        and shutil.which('pdftotext')):
    if os.environ.get('TALLY_REQUIRE_A11Y') == '1':
        print('FAIL the print test needs chromium and poppler-utils')
        sys.exit(1)
    print('SKIP the print test: needs chromium and poppler-utils (pdftoppm)')
    sys.exit(77)


def pgm(path):
    """Width, height and the grey bytes of a binary PGM (P5) from pdftoppm."""
    with open(path, 'rb') as f:
        data = f.read()
    m = re.match(rb'P5\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def ink_end(path):
    """How far down the page (0..1) its last inked row is; -1 when the page is blank."""
    w, h, px = pgm(path)
    last = -1
    for y in range(h):
        if min(px[y * w:(y + 1) * w]) < 160:
            last = y
    return last / h if last >= 0 else -1


tmp = tempfile.mkdtemp(prefix='tally-print-')
try:
    subprocess.run([os.path.join(ROOT, 'tools', 'demo.sh'), COLLECTOR, ANALYSER,
                    os.path.join(tmp, 'demo')], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    db = os.path.join(tmp, 'demo', 'survey.db')
    headings = {'What they talked about', 'Where they live', 'What people said', 'What we did',
                'You said', 'We did', 'Who took part', 'How we counted', 'Contact us'}
    headings |= set(subprocess.run(['sqlite3', db, 'SELECT label FROM theme WHERE depth = 1'],
                                   capture_output=True, text=True).stdout.splitlines())
    for layout in ('statistical', 'pairs'):
        html = os.path.join(tmp, f'{layout}.html')
        pdf = os.path.join(tmp, f'{layout}.pdf')
        subprocess.run([ANALYSER, 'report', db, '--you-said-we-did', html, '--layout', layout],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu',
                        '--no-pdf-header-footer', f'--print-to-pdf={pdf}', 'file://' + html],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
        info = subprocess.run(['pdfinfo', pdf], capture_output=True, text=True).stdout
        pages = int(re.search(r'Pages:\s+(\d+)', info).group(1))
        size = re.search(r'Page size:\s+([\d.]+) x ([\d.]+)', info)
        check(abs(float(size.group(1)) - 595.3) < 2 and abs(float(size.group(2)) - 841.9) < 2,
              f'{layout}: the pages are A4 ({size.group(1)} x {size.group(2)} pt)')
        check(1 <= pages <= MOST[layout], f'{layout}: {pages} pages (at most {MOST[layout]})')
        subprocess.run(['pdftoppm', '-r', '30', '-gray', pdf, os.path.join(tmp, layout)],
                       check=True)
        shots = sorted(f for f in os.listdir(tmp) if re.match(layout + r'-\d+\.pgm$', f))
        ends = [ink_end(os.path.join(tmp, f)) for f in shots]
        check(len(ends) == pages and all(e > 0 for e in ends), f'{layout}: no blank page')
        short = [(i + 1, round(e * 100)) for i, e in enumerate(ends[:-1]) if e < FULL]
        check(not short, f'{layout}: no page before the last is left half empty '
              f'(content ends at {", ".join(str(round(e * 100)) + "%" for e in ends)})')
        for p in range(1, pages + 1):
            text = subprocess.run(['pdftotext', '-f', str(p), '-l', str(p), '-layout', pdf, '-'],
                                  capture_output=True, text=True).stdout
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            if p < pages and lines and lines[-1] in headings:
                check(False, f'{layout}: page {p} ends with the heading "{lines[-1]}"')
        print(f'     {layout}: page ends {[round(e * 100) for e in ends]}', flush=True)
finally:
    if os.environ.get('KEEP'):
        print('kept', tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)
if failures:
    print(f'{len(failures)} check(s) failed')
    sys.exit(1)
print('all checks passed')
