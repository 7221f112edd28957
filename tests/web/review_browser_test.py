#!/usr/bin/env python3
"""The analysts' review in the browser (tests/a11y/review.mjs) against the
real server over the demo database, then the database and the counts: an
analyst removes a tag the rules gave a response's only tagged answer and
adds a theme they missed, and `analyser counts` moves by one respondent for
each theme (and its main theme); `analyser tag` with changed rules keeps
both decisions and the counts; officers and comms are refused every review
page and form. The analyst uploads the fixture coded sample
(tests/fixtures/review/coded-sample.csv, copied under a file name written as
markup, which the list must show as text) and its queue of disagreements lists
the responses worked out here, with the decisions and with the rules alone;
an upload without the CSRF token, over the size limit or with a file name that
is not UTF-8 stores nothing; one sent with a Windows folder is kept under the
file's own name.
Needs node, Debian's chromium and tests/a11y/node_modules:
skipped without them (77) unless TALLY_REQUIRE_A11Y=1.

usage: review_browser_test.py TALLY_WEB COLLECTOR ANALYSER
"""
import csv
import io
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import A11Y, PASSWORD, DemoServer, check, finish, need_browser  # noqa: E402

WEB, COLLECTOR, ANALYSER = (os.path.abspath(p) for p in sys.argv[1:4])
RULES = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'samples', 'rules',
                     'twb-2019.rules.xml')
SAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'review',
                      'coded-sample.csv')
need_browser('the review pages\' browser test')

ANALYST, OFFICER, COMMS = 'Ana Lyst', 'Jo Bloggs', 'Cam Comms'
FILE_NAME = 'coded <img src=x onerror=alert(1)> & sample.csv'
srv = DemoServer(WEB, COLLECTOR, ANALYSER, [(ANALYST, 'analyst'), (OFFICER, 'officer'),
                                            (COMMS, 'comms')])


def counts(*extra):
    """Respondents mentioning each theme, all forms, exact (not for publication)."""
    out = subprocess.run([ANALYSER, 'counts', srv.db, '--by', 'form', '--format', 'csv',
                          '--no-suppress', *extra], check=True, capture_output=True,
                         text=True).stdout
    return {row['theme']: int(row['respondents_mentioning'])
            for row in csv.DictReader(io.StringIO(out)) if row['form'] == '(all)'}


def section(client, response, answer):
    """The text of one answer's part of the review page, as the analyst sees it."""
    page = client.get(f'/review/response?id={response}').body
    m = re.search(r'<section[^>]*id="a-%d".*?</section>' % answer, page, re.S)
    return re.sub(r'<[^>]+>', '', m.group(0)) if m else ''


try:
    # A response whose one tag is on one answer, a sub-theme; and a sub-theme of another
    # main theme to add.
    row = srv.sql("SELECT a.id, a.response_id, h.code, p.code FROM tag t JOIN theme h ON "
                  "h.id = t.theme_id JOIN theme p ON p.id = h.parent_id JOIN answer a ON "
                  "a.id = t.answer_id JOIN response r ON r.id = a.response_id WHERE "
                  "h.depth = 2 AND r.entry_status IN ('accepted', 'verified') AND (SELECT "
                  "count(*) FROM tag u JOIN answer b ON b.id = u.answer_id WHERE "
                  "b.response_id = a.response_id) = 1 ORDER BY a.id LIMIT 1").split('|')
    answer, response, remove, remove_parent = int(row[0]), int(row[1]), row[2], row[3]
    add, add_parent = srv.sql(f"SELECT h.code, p.code FROM theme h JOIN theme p ON p.id = "
                              f"h.parent_id WHERE p.code <> '{remove_parent}' ORDER BY "
                              f"h.position LIMIT 1").split('|')
    before = counts()
    # A hostile answer with no tag, to see it escaped.
    hostile, hostile_resp = srv.sql("SELECT a.id, a.response_id FROM answer a JOIN question q ON "
                                    "q.id = a.question_id WHERE q.type = 'free-text' AND "
                                    "a.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tag t "
                                    "WHERE t.answer_id = a.id) ORDER BY a.id LIMIT 1").split('|')
    srv.sql(f"UPDATE answer SET value = '<script>alert(1)</script> & \"q\" <b>x</b>' "
            f"WHERE id = {hostile}")

    # The fixture sample, by survey id: one response coded as the rules have it (not
    # listed), one with a theme the rules missed and one with none (listed both ways),
    # and the response the analyst is about to review, coded as the rules have it now:
    # listed only once the decisions count.
    sample_ids = [srv.sql(f"SELECT id FROM response WHERE external_id = '{x}'") for x in
                  [row.split(',')[0] for row in open(SAMPLE, encoding='utf-8').read().split('\n')[1:]
                   if row]]
    check(sample_ids[3] == str(response), f'the fixture codes response {response}, the one '
          f'reviewed here (the demo database changed: remake the fixture)')
    expect = ','.join(sorted([sample_ids[1], sample_ids[2], sample_ids[3]], key=int))
    rules_only = ','.join(sorted([sample_ids[1], sample_ids[2]], key=int))
    # The fixture uploaded under a file name written as markup: the list must show it as text.
    named = os.path.join(srv.tmp, FILE_NAME)
    with open(SAMPLE, 'rb') as src, open(named, 'wb') as dst:
        dst.write(src.read())
    bad = os.path.join(srv.tmp, 'bad-sample.csv')
    with open(bad, 'w', encoding='utf-8') as f:
        f.write(f'response,themes\n{response},NO-SUCH-THEME\n999999,\n')

    srv.start()
    r = subprocess.run(['node', os.path.join(A11Y, 'review.mjs'), f'http://127.0.0.1:{srv.port}',
                        ANALYST, OFFICER, COMMS, PASSWORD, str(response), str(answer), remove,
                        add, named, bad, expect, rules_only], timeout=570)
    check(r.returncode == 0, 'review.mjs: officers and comms refused; the analyst removes a '
          'tag, adds a theme and marks the answer reviewed; every review page passes axe-core '
          'at 1280 and 320 px')
    check(srv.sql(f"SELECT count(*) FROM tag t WHERE t.answer_id = {answer}") == '1',
          'the rules\' own tag is still there, untouched')
    after = counts()
    check(after[remove] == before[remove] - 1 and after[remove_parent] == before[remove_parent] - 1,
          f'analyser counts: {remove} and {remove_parent} lost the respondent '
          f'({before[remove]} -> {after[remove]}, {before[remove_parent]} -> {after[remove_parent]})')
    check(after[add] == before[add] + 1 and after[add_parent] == before[add_parent] + 1,
          f'analyser counts: {add} and {add_parent} gained the respondent '
          f'({before[add]} -> {after[add]}, {before[add_parent]} -> {after[add_parent]})')
    others = [k for k in before if k not in (remove, remove_parent, add, add_parent)]
    check(all(before[k] == after[k] for k in others), 'no other theme\'s count moved')
    check(counts('--rules-only') == before, 'analyser counts --rules-only still counts the '
          'rules\' tags alone')

    # The rules change: a new pattern for the added theme, which finds nothing here.
    rules = open(RULES, encoding='utf-8').read()
    at = rules.index(f'<theme code="{add}"')
    at = rules.index('</description>', at) + len('</description>')
    changed = os.path.join(srv.tmp, 'changed.rules.xml')
    with open(changed, 'w', encoding='utf-8') as f:
        f.write(rules[:at] + '\n    <include><![CDATA[\\bzqxjvw\\b]]></include>' + rules[at:])
    version = srv.sql('SELECT sha256 FROM ruleset')
    t = subprocess.run([ANALYSER, 'tag', srv.db, changed], capture_output=True, text=True)
    check(t.returncode == 0 and srv.sql('SELECT sha256 FROM ruleset') != version,
          'analyser tag ran with the changed rules' + ('' if t.returncode == 0 else ': ' + t.stderr))
    check(counts() == after, 'after the new tag run the counts still carry both decisions')
    c = srv.client()
    c.login(ANALYST)
    text = section(c, response, answer)
    check(f'Removed by {ANALYST}' in text and f'Added by {ANALYST}' in text and
          f'Reviewed by {ANALYST}' in text,
          'the review page still shows the removal, the addition and the review')
    page = c.get(f'/review/response?id={hostile_resp}').body
    check('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &lt;b&gt;x&lt;/b&gt;' in page
          and '<script>' not in page and '<b>x' not in page,
          'what a respondent wrote is escaped on the review page')
    csrf = c.get('/review').field('csrf')
    n = srv.sql('SELECT count(*) FROM review_decision')
    for fields, status, what in [
            ([('answer', answer), ('theme', add), ('action', 'accept')], 403, 'no CSRF token'),
            ([('csrf', csrf), ('answer', 'x1'), ('theme', add), ('action', 'accept')], 400,
             'an answer that is not a number'),
            ([('csrf', csrf), ('answer', answer), ('theme', add), ('action', 'approve')], 400,
             'an unknown action'),
            ([('csrf', csrf), ('answer', answer), ('theme', 'NO-SUCH'), ('action', 'add')], 400,
             'a theme not in the rules'),
            ([('csrf', csrf), ('answer', answer), ('theme', remove_parent), ('action',
              'accept')], 400, 'accepting a theme the answer was never given'),
            ([('csrf', csrf), ('answer', answer), ('theme', add), ('action', 'remove'),
              ('reason', 'x' * 501)], 400, 'a reason over 500 characters'),
            ([('csrf', csrf), ('answer', answer), ('theme', add), ('action', 'remove'),
              ('extra', '1')], 400, 'a field the form does not have')]:
        r = c.post('/review/decide', fields)
        check(r.status == status and srv.sql('SELECT count(*) FROM review_decision') == n,
              f'refused ({r.status}), nothing stored: {what}')
    r = c.post('/review/decide', [('csrf', csrf), ('answer', answer), ('theme', remove),
                                  ('action', 'remove')])
    check(r.status == 303 and srv.sql('SELECT count(*) FROM review_decision') == n,
          f'the removal sent again is taken as done ({r.status}), not stored twice')
    check(srv.sql("SELECT name || '|' || loaded_by || '|' || source || '|' || (SELECT count(*) "
                  "FROM coded_sample_response) FROM coded_sample") ==
          f'Audit <one>|{ANALYST}|{FILE_NAME}|4',
          'the sample is stored once, as the analyst loaded it, with its file\'s name and its 4 '
          'responses')
    page = c.get('/review/samples').body
    check('coded &lt;img src=x onerror=alert(1)&gt; &amp; sample.csv' in page and '<img' not in page,
          'the file\'s name is escaped on the samples page')
    check(srv.sql("SELECT group_concat(action || ' ' || object) FROM audit WHERE action LIKE "
                  "'coded-sample-%'") == 'coded-sample-load sample Audit <one>',
          'the audit log has the upload')

    def multipart(fields, name='file', data=b'', boundary='XyZzy', filename=b's.csv'):
        body = b''.join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n'
                        f'{v}\r\n'.encode() for k, v in fields)
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="').encode() + filename + \
            b'"\r\nContent-Type: text/csv\r\n\r\n' + data
        return body + f'\r\n--{boundary}--\r\n'.encode(), f'multipart/form-data; boundary={boundary}'

    good = open(SAMPLE, 'rb').read()
    csrf = c.get('/review/samples').field('csrf')
    for fields, data, status, what in [
            ([('action', 'upload'), ('name', 'no token')], good, 403, 'no CSRF token'),
            ([('csrf', csrf), ('action', 'upload'), ('name', 'too big')],
             good + b'x' * (520 * 1024), 400, 'a file over 512 KB'),
            ([('csrf', csrf), ('action', 'upload'), ('name', 'Audit <one>')], good, 400,
             'a name stored already'),
            ([('csrf', csrf), ('action', 'upload'), ('name', '')], good, 400, 'no name')]:
        body, ctype = multipart(fields, data=data)
        r = c.request('POST', '/review/samples', body=body, ctype=ctype)
        check(r.status == status and srv.sql('SELECT count(*) FROM coded_sample') == '1',
              f'upload refused ({r.status}), nothing stored: {what}')
    body, ctype = multipart([('csrf', csrf), ('action', 'upload'), ('name', 'latin1')], data=good,
                            filename=b'caf\xe9.csv')
    r = c.request('POST', '/review/samples', body=body, ctype=ctype)
    check(r.status == 400 and 'Rename the file' in r.body and
          srv.sql('SELECT count(*) FROM coded_sample') == '1',
          f'upload refused ({r.status}), nothing stored: a file name that is not UTF-8')
    body, ctype = multipart([('csrf', csrf), ('action', 'upload'), ('name', 'from Windows')],
                            data=good, filename=b'C:\\Users\\ana\\march.csv')
    r = c.request('POST', '/review/samples', body=body, ctype=ctype)
    check(r.status == 303 and srv.sql("SELECT source FROM coded_sample WHERE name = "
                                      "'from Windows'") == 'march.csv',
          f'a file sent with its Windows folder is kept under its own name ({r.status})')
    r = c.post('/review/samples', [('csrf', csrf), ('action', 'drop'), ('name', 'from Windows')])
    check(r.status == 303, f'the analyst drops that sample ({r.status})')
    r = c.post('/review/samples', [('csrf', csrf), ('action', 'drop'), ('name', 'Audit <one>')])
    check(r.status == 303 and srv.sql('SELECT count(*) FROM coded_sample') == '0' and
          srv.sql('SELECT count(*) FROM coded_sample_code') == '0',
          'the analyst drops the sample, with its codes')
    log = srv.sql("SELECT group_concat(x, ', ') FROM (SELECT action || ' ' || object AS x "
                  "FROM audit WHERE action LIKE 'review-%' ORDER BY id)")
    check(log == f'review-remove answer {answer}, review-add answer {answer}, '
          f'review-reviewed answer {answer}', f'the audit log names the answer only: {log}')
finally:
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stopped cleanly' +
          (':\n' + err if 'Sanitizer' in err else ''))
    check('not about this' not in err and 'the rules missed it' not in err,
          'no reason reaches the server\'s log')
    srv.cleanup()
finish()
