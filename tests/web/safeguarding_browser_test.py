#!/usr/bin/env python3
"""The safeguarding queue (web/page_safeguarding.c): HTTP checks (role,
CSRF, escaping); the report editor's quotes, which never come from a flagged
response; then the browser test (tests/a11y/safeguarding.mjs, axe-core;
skipped like the other browser tests unless TALLY_REQUIRE_A11Y=1) and the
database: the review is recorded once, under the analyst's name.

usage: safeguarding_browser_test.py TALLY_WEB COLLECTOR ANALYSER
"""
import csv
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import A11Y, PASSWORD, Server, check, failures, finish, need_browser  # noqa: E402

WEB, COLLECTOR, ANALYSER = (os.path.abspath(p) for p in sys.argv[1:4])
SAMPLES = os.environ['TALLY_SAMPLES']
EXPORTS = os.path.join(SAMPLES, 'exports')

def both_rules(path):
    """The sample exercise's rules with the starter set copied in, as
    docs/safeguarding.md says: word lists after the title, themes at the end."""
    main = open(os.path.join(SAMPLES, 'rules', 'twb-2019.rules.xml'), encoding='utf-8').read()
    sg = open(os.path.join(SAMPLES, 'rules', 'safeguarding.rules.xml'), encoding='utf-8').read()
    body = sg[sg.index('</title>') + len('</title>'):sg.index('</rules>')]
    words = ''.join(re.findall(r'\s*<words .*?</words>', body, re.S))
    themes = re.sub(r'\s*<words .*?</words>', '', body, flags=re.S)
    at = main.index('</title>') + len('</title>')
    main = main[:at] + words + main[at:]
    end = main.index('</rules>')
    open(path, 'w', encoding='utf-8').write(main[:end] + themes + '\n' + main[end:])


def editor_quotes(server):
    """The quotes the report editor offers for its first three themes, as one page of text."""
    c = server.client()
    c.login('Cam Comms')
    codes = re.findall(r'/report/quotes\?theme=([A-Za-z0-9_.-]+)', c.get('/report').body)
    return codes, ''.join(c.get('/report/quotes?theme=' + t).body for t in codes[:3])


srv = Server(WEB, COLLECTOR, [('Ana Lyst', 'analyst'), ('Jo Bloggs', 'officer'),
                                ('Ada Admin', 'admin')])
try:
    # One response whose answer discloses harm, with markup in it.
    rows = list(csv.reader(open(os.path.join(EXPORTS, 'google-forms-online.csv'), newline='',
                                encoding='utf-8-sig')))
    head, row = rows[0], list(rows[1])
    row[0] = '2019/07/02 10:00:00 AM GMT+1'  # a date read one way only
    col = next(i for i, h in enumerate(head) if 'better' in h.lower())
    row[col] = 'My partner hits me & I am scared <b>to go home</b>. The kids have not been fed.'
    planted = os.path.join(srv.tmp, 'planted.csv')
    csv.writer(open(planted, 'w', newline='')).writerows([head, row])
    subprocess.run([COLLECTOR, 'import', srv.db, planted, '--map',
                    os.path.join(EXPORTS, 'google-forms-online.map.xml'), '-q'], check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([ANALYSER, 'tag', srv.db, os.path.join(SAMPLES, 'rules',
                                                          'safeguarding.rules.xml')],
                   check=True, stdout=subprocess.DEVNULL)
    answer = srv.sql("SELECT answer_id FROM safeguarding_flags WHERE theme = 'SG-ABUSE'")
    check(answer.isdigit(), f'the planted answer is flagged ({answer})')
    srv.start()

    officer = srv.client()
    officer.login('Jo Bloggs')
    check(officer.get('/safeguarding').status == 403, 'an officer gets 403 for the queue')
    check(officer.post('/safeguarding', [('csrf', 'x'), ('answer', answer),
                                         ('action', 'x')]).status in (403, 400),
          'an officer cannot record a review')

    adm = srv.client()
    adm.login('Ada Admin')
    check('href="/safeguarding"' in adm.get('/').body and adm.get('/safeguarding').status == 200,
          'an admin finds the queue from the home page and may open it')

    ana = srv.client()
    ana.login('Ana Lyst')
    page = ana.get('/safeguarding')
    check(page.status == 200, 'the analyst opens the queue')
    body = page.body.decode('utf-8') if isinstance(page.body, bytes) else page.body
    check('&lt;b&gt;to go home' in body and '<b>to go' not in body, 'what was written is escaped')
    check('<mark>My partner hits me</mark>' in body, 'the matched words are marked')
    card = body[body.find(f'id="a-{answer}"'):]
    card = card[:card.find('</form>')]
    check('Also: Possible neglect' in card, 'a second safeguarding theme is named in the same card, '
          'before its form')
    r = ana.post('/safeguarding', [('csrf', 'not-the-token'), ('answer', answer),
                                   ('action', 'done')])
    check(r.status == 403, f'a review without the CSRF token is refused ({r.status})')
    check(srv.sql('SELECT count(*) FROM safeguarding_review') == '0', 'and not recorded')

    # The report editor's quotes (web/page_report_quotes.c): every free-text
    # answer carries a disclosure. Tagged without the safeguarding themes they
    # are offered; with them, none is.
    srv2 = Server(WEB, COLLECTOR, [('Cam Comms', 'comms')])
    try:
        subprocess.run([COLLECTOR, 'import', srv2.db, os.path.join(EXPORTS, 'google-forms-online.csv'),
                        '--map', os.path.join(EXPORTS, 'google-forms-online.map.xml'), '-q'],
                       check=True, stdout=subprocess.DEVNULL)
        srv2.sql("UPDATE answer SET value = 'He hits me. ' || value WHERE question_id IN "
                 "(SELECT id FROM question WHERE type = 'free-text') AND value IS NOT NULL")
        subprocess.run([ANALYSER, 'tag', srv2.db, os.path.join(SAMPLES, 'rules', 'twb-2019.rules.xml')],
                       check=True, stdout=subprocess.DEVNULL)
        srv2.start()
        codes, before = editor_quotes(srv2)
        check(len(codes) >= 3 and 'He hits me' in before,
              'without safeguarding themes the editor offers the planted words (control)')
        srv2.stop()
        rules = os.path.join(srv2.tmp, 'both.rules.xml')
        both_rules(rules)
        subprocess.run([ANALYSER, 'tag', srv2.db, rules], check=True, stdout=subprocess.DEVNULL)
        srv2.start()
        codes2, after = editor_quotes(srv2)
        check(codes2[:3] == codes[:3] and 'hits me' not in after and 'blockquote' not in after,
              'with them the editor offers no quote from a flagged response')
    finally:
        rc, err = srv2.stop()
        check(rc == 0 and 'Sanitizer' not in err, 'the second server stopped cleanly' +
              (':\n' + err if 'Sanitizer' in err else ''))
        srv2.cleanup()

    if failures:
        finish()  # before a skip for want of a browser could hide them
    need_browser('the safeguarding queue\'s browser test')
    r = subprocess.run(['node', os.path.join(A11Y, 'safeguarding.mjs'),
                        f'http://127.0.0.1:{srv.port}', 'Ana Lyst', 'Jo Bloggs', PASSWORD,
                        answer], timeout=570)
    check(r.returncode == 0, 'safeguarding.mjs: the queue passes axe-core at 1280 and 320 '
          'px, a review is recorded, an officer is refused')
    check(srv.sql('SELECT seen_by || \'|\' || action FROM safeguarding_review') ==
          'Ana Lyst|Referred to the safeguarding lead',
          'the review is in the database under the analyst\'s name')
    check(srv.sql("SELECT count(*) FROM audit WHERE action = 'safeguarding-seen'") == '1',
          'the review is in the audit log')
finally:
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stopped cleanly' +
          (':\n' + err if 'Sanitizer' in err else ''))
    srv.cleanup()
finish()
