#!/usr/bin/env python3
"""The report editor's browser test (tests/a11y/report.mjs) against the real
server over the demo database, then the database and the published file:
two quotes approved and one rejected, and the published page equal, byte for
byte, to what `analyser report` writes from the same database. Needs node,
Debian's chromium and tests/a11y/node_modules: skipped without them (77)
unless TALLY_REQUIRE_A11Y=1.

usage: report_browser_test.py TALLY_WEB COLLECTOR ANALYSER
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import A11Y, PASSWORD, DemoServer, check, finish, need_browser  # noqa: E402

WEB, COLLECTOR, ANALYSER = (os.path.abspath(p) for p in sys.argv[1:4])
need_browser('the report editor\'s browser test')

srv = DemoServer(WEB, COLLECTOR, ANALYSER, [('Cam Comms', 'comms'), ('Jo Bloggs', 'officer')])
PUB = os.path.join(srv.tmp, 'you-said-we-did.html')
try:
    srv.start('--publish', PUB)
    r = subprocess.run(['node', os.path.join(A11Y, 'report.mjs'), f'http://127.0.0.1:{srv.port}',
                        'Cam Comms', 'Jo Bloggs', PASSWORD], timeout=570)
    check(r.returncode == 0, 'report.mjs: the editor, quotes, preview (both layouts) and publish '
          'pass axe-core at 1280 and 320 px; an officer is refused')
    check(srv.sql("SELECT decision || ':' || count(*) FROM report_quote GROUP BY decision "
                  "ORDER BY decision") == 'approved:2\nrejected:1',
          'two quotes approved and one rejected are in the database')
    check(srv.sql("SELECT count(*) FROM report_setting WHERE name = 'intro' AND changed_by = "
                  "'Cam Comms'") == '1', 'the introduction is saved under the comms account')
    cli = os.path.join(srv.tmp, 'cli.html')
    subprocess.run([ANALYSER, 'report', srv.db, '--you-said-we-did', cli], check=True,
                   stdout=subprocess.DEVNULL)
    same = os.path.exists(PUB) and open(PUB, 'rb').read() == open(cli, 'rb').read()
    check(same, 'the page published in the browser equals analyser report\'s, byte for byte')
    text = open(PUB, encoding='utf-8').read() if os.path.exists(PUB) else ''
    check(text.count('<figure class="quote">') == 2 and 'Thank you to the 650 people' in text,
          'the published page has the two approved quotes and the new introduction')
finally:
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stopped cleanly' +
          (':\n' + err if 'Sanitizer' in err else ''))
    srv.cleanup()
finish()
