#!/usr/bin/env python3
"""The kiosk's browser test (tests/a11y/kiosk.mjs) against the real server,
then the database checked: two respondents in a row stored, the form left
alone until the idle reset not stored at all. Needs node, Debian's chromium
and tests/a11y/node_modules (npm ci there): without them it is skipped
(exit 77), unless TALLY_REQUIRE_A11Y=1, as browser_test.py does.

usage: kiosk_browser_test.py TALLY_WEB COLLECTOR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import A11Y, PASSWORD, Server, check, finish, need_browser  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
need_browser('the kiosk browser test')

srv = Server(WEB, COLLECTOR, [('Ann Super', 'supervisor')])
try:
    srv.start()
    r = subprocess.run(['node', os.path.join(A11Y, 'kiosk.mjs'), f'http://127.0.0.1:{srv.port}',
                        'Ann Super', PASSWORD], timeout=570)
    check(r.returncode == 0, 'kiosk.mjs: every kiosk page passes axe-core at 1280 and 320 px, two '
          'respondents in a row, the idle reset')
    rows = srv.sql("SELECT r.form_variant || '|' || r.channel FROM response r ORDER BY r.id")
    check(rows.split() == ['standard|kiosk', 'standard|kiosk'],
          f'the two respondents\' forms are stored, on the kiosk channel ({rows.split()})')
    check(srv.sql("SELECT count(*) FROM answer WHERE value LIKE 'The first person%'") == '1' and
          srv.sql("SELECT count(*) FROM answer WHERE value LIKE 'The second person%'") == '1',
          'each respondent\'s answer is stored once')
    check(srv.sql("SELECT count(*) FROM answer WHERE value = 'Left half done'") == '0',
          'nothing is stored of the form left alone')
finally:
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stopped cleanly' +
          (':\n' + err if 'Sanitizer' in err else ''))
    srv.cleanup()
finish()
