#!/usr/bin/env python3
"""HTTP-level tests of the kiosk (the public at a roadshow) and of the
supervisor's typing figures: the real tally-web on a free loopback port.

usage: kiosk_test.py TALLY_WEB COLLECTOR ANALYSER
"""
import csv
import io
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import KIOSK_CSP, Server, check, finish  # noqa: E402

WEB, COLLECTOR, ANALYSER = sys.argv[1], sys.argv[2], sys.argv[3]
XSS = '<script>alert(1)</script>"\'&'

srv = Server(WEB, COLLECTOR, [('Jo Bloggs', 'officer'), ('Sam Smith', 'officer'),
                              ('Ann Super', 'supervisor')])


def count(where='1'):
    return int(srv.sql(f"SELECT count(*) FROM response WHERE {where}"))


def make_link(sup, event, form='standard', hours='10', idle='5'):
    page = sup.get('/kiosks')
    r = sup.post('/kiosks', [('csrf', page.field('csrf')), ('event', event), ('form', form),
                             ('hours', hours), ('idle', idle), ('action', 'create')])
    m = re.search(r'/kiosk\?k=([0-9a-f]{64})', r.body)
    return r, (m.group(1) if m else None)


def kiosk_fields(page, k, answers):
    return [('csrf', page.field('csrf')), ('k', k), ('token', page.field('token')), *answers]


def links_out(body):
    """Every link of a page other than the skip link and the kiosk's own pages."""
    return [h for h in re.findall(r'href="([^"]*)"', body)
            if h not in ('#main', '/style.css') and not h.startswith('/kiosk?k=')
            and not h.startswith('#q')]


try:
    srv.start()
    sup = srv.client()
    sup.login('Ann Super')
    jo = srv.client()
    jo.login('Jo Bloggs')

    # ---- who may make links ---------------------------------------------------
    anon = srv.client()
    check(anon.get('/kiosks').status == 303, 'an anonymous request for /kiosks goes to log in')
    check(anon.post('/kiosks', [('action', 'create')]).status == 401,
          'an anonymous post to /kiosks is refused')
    check(jo.get('/kiosks').status == 403, 'an officer cannot open the kiosk links')
    home = jo.get('/')
    check(jo.post('/kiosks', [('csrf', home.field('csrf')), ('event', 'LE-HAN-1'),
                              ('form', 'standard'), ('hours', '1'), ('idle', '5'),
                              ('action', 'create')]).status == 403,
          'an officer cannot make a kiosk link')
    check(jo.get('/figures').status == 403, 'an officer cannot see the typing figures')

    r, k = make_link(sup, 'LE-HAN-1', idle='3')
    check(r.status == 200 and k is not None, 'a supervisor makes a kiosk link and is shown it')
    check(k is not None and k not in srv.sql('SELECT * FROM kiosk') and
          srv.sql('SELECT count(*) FROM kiosk') == '1',
          'the database keeps the link, not its token')
    check(k is not None and k not in sup.get('/kiosks').body, 'the list does not show the token again')
    r, kb = make_link(sup, 'LE-CAN-1', form='easy-read')
    check(r.status == 200 and kb is not None, 'a second link, for another event and Easy Read')
    r, _ = make_link(sup, 'NO-SUCH-1')
    check(r.status == 200 and 'There is a problem' in r.body and
          srv.sql('SELECT count(*) FROM kiosk') == '2', 'a link for an unknown event is refused')
    r, _ = make_link(sup, 'LE-HAN-1', idle='90')
    check('There is a problem' in r.body and srv.sql('SELECT count(*) FROM kiosk') == '2',
          'an idle reset beyond the limit is refused')

    # ---- the kiosk: one respondent, then the next ------------------------------
    kiosk = srv.client()
    page = kiosk.get(f'/kiosk?k={k}')
    check(page.status == 200 and 'name="q3"' in page.body, 'the kiosk link opens a blank form')
    check(f'data-idle-seconds="180" data-reset="/kiosk?k={k}"' in page.body and
          '<script src="/kiosk.js" defer></script>' in page.body and
          page.header('Content-Security-Policy') == KIOSK_CSP,
          'the form is reset after the idle minutes by the service\'s own script file')
    check('http-equiv="refresh"' not in page.body,
          'no timed refresh clears a form while someone is typing')
    scripts = re.findall(r'<script([^>]*)>(.*?)</script>', page.body, re.S)
    check(scripts == [(' src="/kiosk.js" defer', '')] and 'onclick' not in page.body and
          not links_out(page.body), 'no inline script and no link out on the kiosk page' +
          (f': {links_out(page.body)}' if links_out(page.body) else ''))
    js = kiosk.get('/kiosk.js')
    check(js.status == 200 and js.header('Content-Type').startswith('text/javascript') and
          'location.replace' in js.body and 'fetch' not in js.body and
          'XMLHttpRequest' not in js.body, 'the idle script is served and sends nothing')
    check('Log out' not in page.body and 'I cannot read' not in page.body,
          'the kiosk page is not an officer\'s page')
    before = count()
    fields = kiosk_fields(page, k, [('q1', '1'), ('q2', '1'), ('q2', '3'), ('q3', XSS),
                                    ('q20', '7')])
    r = kiosk.post('/kiosk', fields)
    check(r.status == 303 and r.header('Location') == f'/kiosk?k={k}&sent=1',
          'a respondent sends the form')
    r2 = kiosk.post('/kiosk', fields)
    check(r2.status == 303 and count() == before + 1, 'the same form sent twice is stored once')
    row = srv.sql("SELECT r.channel, r.form_variant, v.code, r.entry_status, r.officer, "
                  "b.channel FROM response r JOIN event v ON v.id = r.event_id JOIN "
                  "import_batch b ON b.id = r.batch_id ORDER BY r.id DESC LIMIT 1")
    check(row == 'kiosk|standard|LE-HAN-1|accepted|kiosk 1|kiosk',
          f'the form is stored with channel kiosk, the link\'s event and form ({row})')
    check(srv.sql("SELECT value FROM answer WHERE response_id = (SELECT max(id) FROM response) "
                  "AND value IS NOT NULL AND question_id = (SELECT q.id FROM question q JOIN "
                  "questionnaire n ON n.id = q.questionnaire_id WHERE n.variant = 'standard' "
                  "AND q.position = 3)") == XSS, 'the answer is stored as written')
    page2 = kiosk.get(f'/kiosk?k={k}&sent=1')
    check(page2.status == 200 and '<h1>Thank you</h1>' in page2.body and
          not links_out(page2.body), 'the respondent is thanked, with no link out')
    check(page2.field('token') != page.field('token') and 'alert(1)' not in page2.body and
          'checked' not in page2.body and 'name="q3"' in page2.body,
          'below the thanks the next respondent gets a new blank form, nothing of the last')
    r = kiosk.post('/kiosk', kiosk_fields(page2, k, [('q5', '2')]))
    check(r.status == 303 and count("channel = 'kiosk'") == 2, 'the next respondent\'s form is saved')

    # ---- mistakes are shown, escaped, and nothing is saved -------------------
    page3 = kiosk.get(f'/kiosk?k={k}')
    r = kiosk.post('/kiosk', kiosk_fields(page3, k, [('q23', 'not a postcode'), ('q21', XSS)]))
    check(r.status == 200 and 'There is a problem' in r.body and count("channel = 'kiosk'") == 2,
          'a wrong answer is shown next to its question, nothing saved')
    check('<script>alert(1)' not in r.body and '&lt;script&gt;alert(1)&lt;/script&gt;' in r.body,
          'what the respondent wrote comes back escaped')

    # ---- a kiosk cannot read anything else ------------------------------------
    for path in ['/', '/entry?event=LE-HAN-1', '/resolve', '/figures', '/kiosks', '/admin',
                 '/entry/saved?t=' + '0' * 64]:
        check(kiosk.get(path).status in (303, 401, 403), f'the kiosk cannot read {path}')
    check(kiosk.get(f'/kiosk?k={"0" * 64}').status == 403, 'a made-up kiosk token is refused')
    check(kiosk.get('/kiosk').status == 403, 'a kiosk page with no token is refused')
    # An officer's browser that opens the link is logged out of the officer's account.
    jo_page = jo.get(f'/kiosk?k={k}')
    check(jo_page.status == 200 and jo.get('/').status == 303,
          'opening a kiosk link ends the officer\'s session in that browser')
    jo.login('Jo Bloggs')

    # ---- a kiosk link for one event cannot post another's form ---------------
    page4 = kiosk.get(f'/kiosk?k={k}')
    n = count()
    r = kiosk.post('/kiosk', kiosk_fields(page4, k, [('q1', '1')]) + [('event', 'LE-CAN-1')])
    check(r.status == 400 and count() == n, 'a field naming another event is refused')
    r = kiosk.post('/kiosk', kiosk_fields(page4, k, [('q1', '1')]) + [('form', 'easy-read')])
    check(r.status == 400 and count() == n, 'a field naming another form is refused')
    r = kiosk.post('/kiosk', kiosk_fields(page4, k, [('q99', '1')]))
    check(r.status == 400 and count() == n, 'a question the form does not have is refused')
    r = kiosk.post('/kiosk', [f for f in kiosk_fields(page4, k, [('q1', '1')]) if f[0] != 'csrf'])
    check(r.status == 403 and count() == n, 'a kiosk form without its CSRF token is refused')
    # The Easy Read link: its own event, its wording, large answer buttons.
    easy = srv.client()
    ep = easy.get(f'/kiosk?k={kb}')
    er_text = srv.sql("SELECT q.text FROM question q JOIN questionnaire n ON "
                      "n.id = q.questionnaire_id WHERE n.variant = 'easy-read' AND q.position = 3")
    check(ep.status == 200 and er_text.replace("'", '&#39;') in ep.body and
          'choice choice-large' in ep.body and 'kiosk-easy' in ep.body,
          'the Easy Read kiosk shows the Easy Read wording and large answer buttons')
    r = easy.post('/kiosk', kiosk_fields(ep, kb, [('q3', '1')]))
    row = srv.sql("SELECT r.form_variant, v.code FROM response r JOIN event v ON "
                  "v.id = r.event_id ORDER BY r.id DESC LIMIT 1")
    check(r.status == 303 and row == 'easy-read|LE-CAN-1', f'an Easy Read kiosk form is saved ({row})')
    # A page token already used through the first link, sent through this one.
    ep2 = easy.get(f'/kiosk?k={kb}')
    n = count()
    r = easy.post('/kiosk', [('csrf', ep2.field('csrf')), ('k', kb), ('token', page.field('token')),
                             ('q3', '1')])
    check(r.status == 400 and count() == n, 'another link\'s page token is refused, nothing written')

    # ---- an exercise that needs double entry: a kiosk form has no paper to check
    srv.sql("UPDATE exercise SET double_entry = 'required'")
    p5 = kiosk.get(f'/kiosk?k={k}')
    r = kiosk.post('/kiosk', kiosk_fields(p5, k, [('q1', '2')]))
    check(r.status == 303 and srv.sql("SELECT entry_status FROM response ORDER BY id DESC LIMIT 1")
          == 'accepted', 'a kiosk form never waits for a second entry')
    srv.sql("UPDATE exercise SET double_entry = 'optional'")

    # ---- expired and revoked links are refused, nothing written -------------
    p6 = kiosk.get(f'/kiosk?k={k}')
    srv.sql("UPDATE kiosk SET expires_at = 1000 WHERE id = 1")
    n = count()
    check(kiosk.get(f'/kiosk?k={k}').status == 403, 'an expired link is refused')
    r = kiosk.post('/kiosk', kiosk_fields(p6, k, [('q1', '1')]))
    check(r.status == 403 and count() == n, 'a form sent through an expired link is refused')
    check(kiosk.get(f'/kiosk?k={k}&sent=1').status == 403, 'an expired link\'s thanks are refused')
    p7 = easy.get(f'/kiosk?k={kb}')
    lst = sup.get('/kiosks')
    r = sup.post('/kiosks', [('csrf', lst.field('csrf')), ('id', '2'), ('action', 'revoke')])
    check(r.status == 303 and srv.sql('SELECT revoked_by FROM kiosk WHERE id = 2') == 'Ann Super',
          'a supervisor switches a link off')
    check(easy.get(f'/kiosk?k={kb}').status == 403, 'a revoked link is refused')
    r = easy.post('/kiosk', kiosk_fields(p7, kb, [('q3', '1')]))
    check(r.status == 403 and count() == n, 'a form sent through a revoked link is refused')
    r = sup.post('/kiosks', [('csrf', lst.field('csrf')), ('id', '2'), ('action', 'revoke')])
    check(r.status == 200 and 'already switched off' in r.body, 'revoking twice says so')
    acts = srv.sql("SELECT group_concat(DISTINCT action) FROM audit WHERE action LIKE 'kiosk%'")
    check(set(acts.split(',')) == {'kiosk-create', 'kiosk-save', 'kiosk-revoke'},
          f'making, using and revoking links are audited ({acts})')

    # ---- the supervisor's figures ---------------------------------------------
    sam = srv.client()
    sam.login('Sam Smith')
    for serial in ('501', '502'):
        p = jo.get('/entry?event=LE-HAN-1&form=standard&mode=first')
        jo.post('/entry', [('csrf', p.field('csrf')), ('token', p.field('token')),
                           ('event', 'LE-HAN-1'), ('form', 'standard'), ('mode', 'first'),
                           ('serial', serial), ('q1', '1'), ('q5', '2'), ('action', 'save')])
    p = sam.get('/entry?event=LE-HAN-1&form=standard&mode=second')
    r = sam.post('/entry', [('csrf', p.field('csrf')), ('token', p.field('token')),
                            ('event', 'LE-HAN-1'), ('form', 'standard'), ('mode', 'second'),
                            ('serial', '501'), ('q1', '2'), ('q5', '2'), ('action', 'save')])
    check(r.status == 303, 'a second entry with one difference')
    fig = sup.get('/figures')
    nq = int(srv.sql("SELECT count(*) FROM question q JOIN questionnaire n ON "
                     "n.id = q.questionnaire_id WHERE n.variant = 'standard'"))
    per100 = f'{100 // nq}.{(1000 // nq) % 10}'
    jo_row = re.search(r'<tr><th scope="row">Jo Bloggs</th>(.*?)</tr>', fig.body)
    sam_row = re.search(r'<tr><th scope="row">Sam Smith</th>(.*?)</tr>', fig.body)
    check(fig.status == 200 and jo_row is not None and
          jo_row.group(1) == f'<td>2</td><td>0</td><td>0</td><td>{per100}</td>',
          f'per officer: Jo typed 2, 1 difference in {nq} fields checked '
          f'({jo_row.group(1) if jo_row else None})')
    check(sam_row is not None and sam_row.group(1) == '<td>0</td><td>1</td><td>0</td>'
          '<td>none checked</td>', 'per officer: Sam checked 1')
    check('kiosk 1' not in fig.body, 'kiosk forms are not an officer\'s')
    check(re.search(r'<td>LE-HAN-1</td><td>Jo Bloggs</td><td>[^<]*</td><td>2</td><td>1</td>'
                    f'<td>0</td><td>{re.escape(per100)}</td>', fig.body) is not None,
          'per batch: 2 forms, 1 checked, 0 verified, the differences per 100 fields')

    # ---- kiosk forms are counted, in a channel of their own -----------------
    rc, err = srv.stop()
    samples = os.environ.get('TALLY_SAMPLES', os.path.join(os.path.dirname(__file__), '..', '..',
                                                           'samples'))
    subprocess.run([ANALYSER, 'tag', srv.db, os.path.join(samples, 'rules', 'twb-2019.rules.xml')],
                   check=True, capture_output=True)
    out = subprocess.run([ANALYSER, 'counts', srv.db, '--by', 'channel', '--format', 'csv',
                          '--no-suppress'],
                         capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    kiosk_rows = [row for row in rows if row['channel'] == 'kiosk']
    base = srv.sql("SELECT count(*) FROM response WHERE channel = 'kiosk'")
    check(out.returncode == 0 and kiosk_rows and
          all(row['respondents'] == base for row in kiosk_rows),
          f'analyser counts --by channel counts the {base} kiosk forms in a Kiosk column')
    check(rc == 0 and 'Sanitizer' not in err and 'runtime error' not in err,
          'the server stopped cleanly, no sanitizer report' + (':\n' + err if err else ''))
finally:
    srv.stop()
    srv.cleanup()
finish()
