#!/usr/bin/env python3
"""The browser test of tally-web (tests/a11y/web.mjs) against the real
server, then the database checked. Needs node, Debian's chromium and
tests/a11y/node_modules (npm ci there): without them it is skipped (exit
77), unless TALLY_REQUIRE_A11Y=1, as tests/e2e/report.sh does.

usage: browser_test.py TALLY_WEB COLLECTOR
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import A11Y, PASSWORD, Server, check, finish, need_browser  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
need_browser('the browser test')

srv = Server(WEB, COLLECTOR, [('Jo Bloggs', 'officer'), ('Ann Super', 'supervisor')])
try:
    srv.start()
    r = subprocess.run(['node', os.path.join(A11Y, 'web.mjs'), f'http://127.0.0.1:{srv.port}',
                        'Jo Bloggs', 'Ann Super', PASSWORD], timeout=500)
    check(r.returncode == 0, 'web.mjs: every page passes axe-core at 1280 and 320 px, the forms '
          'are typed, corrected and saved')
    check(srv.sql("SELECT channel || '|' || form_variant || '|' || officer || '|' || "
                  "coalesce(postcode, '') FROM response WHERE serial = 'B-1'") ==
          'paper|standard|Jo Bloggs|WS11 1AA', 'the standard form is in the database, postcode '
          'corrected')
    check(srv.sql("SELECT channel || '|' || form_variant FROM response WHERE serial = 'B-2'") ==
          'easy-read-paper|easy-read', 'the Easy Read form is in the database')
    check(srv.sql("SELECT count(*) FROM entry_version_answer a JOIN entry_version v ON "
                  "v.id = a.version_id JOIN response r ON r.id = v.response_id WHERE "
                  "r.serial = 'B-2' AND a.value = 'Help with my medicines'") == '1',
          'the Easy Read answer kept through "Change an answer", then kept as the earlier '
          'version when the saved form was changed')
    check(srv.sql("SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE "
                  "r.serial = 'B-2' AND a.value = 'Help with my medicines at home'") == '1',
          'the changed answer is the form\'s answer now')
    check(srv.sql('SELECT count(*) FROM response') == '2', 'nothing else was saved')
finally:
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stopped cleanly' +
          (':\n' + err if 'Sanitizer' in err else ''))
    srv.cleanup()
finish()
