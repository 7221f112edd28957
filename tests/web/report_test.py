#!/usr/bin/env python3
"""The report editor of tally-web (role comms): roles and CSRF, the editor's
settings saved with who and when, quotes offered only from shown cells,
approved and rejected, hostile logos refused, the published page equal byte
for byte to `analyser report`, and an erased response taking its quote away.

usage: report_test.py TALLY_WEB COLLECTOR ANALYSER
"""
import os
import re
import subprocess
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import DemoServer, check, finish  # noqa: E402

WEB, COLLECTOR, ANALYSER = (os.path.abspath(p) for p in sys.argv[1:4])


def multipart(fields, file_name, data):
    b = uuid.uuid4().hex
    out = b''
    for k, v in fields:
        out += (f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n').encode()
    out += (f'--{b}\r\nContent-Disposition: form-data; name="logo"; filename="{file_name}"\r\n'
            'Content-Type: application/octet-stream\r\n\r\n').encode() + data + b'\r\n'
    out += f'--{b}--\r\n'.encode()
    return out, f'multipart/form-data; boundary={b}'


srv = DemoServer(WEB, COLLECTOR, ANALYSER, [('Cam Comms', 'comms'), ('Jo Bloggs', 'officer'), ('Ann Super', 'supervisor')])
PUB = os.path.join(srv.tmp, 'pub', 'you-said-we-did.html')
os.makedirs(os.path.dirname(PUB))
try:
    srv.start('--publish', PUB)

    # ---- roles and CSRF -------------------------------------------------------
    off = srv.client()
    off.login('Jo Bloggs')
    tok = off.get('/').field('csrf')
    for m, path in [('GET', '/report'), ('GET', '/report/preview'),
                    ('GET', '/report/quotes?theme=URGENT'), ('POST', '/report'),
                    ('POST', '/report/publish'), ('POST', '/report/quotes')]:
        r = off.get(path) if m == 'GET' else off.post(path, [('csrf', tok)])
        check(r.status == 403, f'an officer is refused {m} {path} (403)')
    sup = srv.client()
    sup.login('Ann Super')
    check(sup.get('/report').status == 403, 'a supervisor cannot open the report editor')
    c = srv.client()
    c.login('Cam Comms')
    home = c.get('/')
    check(home.status == 200 and 'href="/report"' in home.body and '/entry' not in home.body,
          'a comms account\'s home page leads to the report, not to typing forms')
    check(c.get('/entry?event=LE-HAN-1&form=standard&mode=first').status == 403,
          'a comms account cannot type forms')
    ed = c.get('/report')
    check(ed.status == 200 and 'name="show"' in ed.body, 'the comms account opens the editor')
    csrf = ed.field('csrf')
    r = c.post('/report', [('intro', 'no token')])
    check(r.status == 403 and srv.sql('SELECT count(*) FROM report_setting') == '0',
          'the editor without its CSRF token saves nothing (403)')
    r = c.post('/report', [('csrf', '0' * 64), ('intro', 'wrong token')])
    check(r.status == 403 and srv.sql('SELECT count(*) FROM report_setting') == '0',
          'the editor with a wrong CSRF token saves nothing (403)')
    r = c.post('/report/publish', [('csrf', '0' * 64)])
    check(r.status == 403 and not os.path.exists(PUB), 'publishing needs the CSRF token')

    # ---- the editor: themes and order, intro, contact, formats, we did ---------
    shown = re.findall(r'name="show" value="([^"]+)" checked', ed.body)
    check(len(shown) == 6, f'six themes are ticked to start with ({len(shown)})')
    order = [shown[1], shown[0]] + shown[2:5] + ['MATERNITY']
    fields = [('csrf', csrf), ('layout', 'statistical'),
              ('intro', 'We asked <script>alert(1)</script> & you answered.'),
              ('contact', 'Call 01785 000000 or write to Freepost TALLY.'),
              ('formats', 'Ask us for Easy Read, large print or another language.')]
    for i, code in enumerate(order):
        fields += [('show', code), (f'order-{code}', str(i + 1))]
    fields.append(('new-MATERNITY', 'Kept the birth centre open at weekends.'))
    r = c.post('/report', fields)
    check(r.status == 303 and r.header('Location') == '/report?saved=1', 'the editor saves')
    check(srv.sql("SELECT value FROM report_setting WHERE name = 'themes' ORDER BY id DESC "
                  "LIMIT 1") == '\n'.join(order),
          'the chosen themes are saved in the chosen order')
    check(srv.sql("SELECT count(*) FROM report_setting WHERE changed_by = 'Cam Comms'") == '5',
          'each setting is saved with who changed it')
    check(srv.sql("SELECT count(*) FROM action_version WHERE theme_code = 'MATERNITY' AND "
                  "changed_by = 'Cam Comms'") == '1', 'what we did is saved, with who and when')
    r = c.post('/report', fields)
    check(srv.sql('SELECT count(*) FROM report_setting') == '5',
          'saving the same again adds no version')
    bad = [f for f in fields if not f[0].startswith('order-')] + \
        [(f'order-{code}', 'first') for code in order]
    r = c.post('/report', bad)
    check(r.status == 400 and 'There is a problem' in r.body, 'a position that is not a number '
          'is shown as a problem')
    pv = c.get('/report/preview')
    check(pv.status == 200 and '&lt;script&gt;' in pv.body and '<script' not in pv.body,
          'the preview shows the intro escaped')
    pos = [pv.body.find(f'data-theme="{code}">\n<h2') for code in order]
    check(all(p > 0 for p in pos) and pos == sorted(pos), 'the preview has the themes in order')
    mat = pv.body.split('data-theme="MATERNITY">\n<h2')[1].split('</section>')[0]
    check(pv.body.count('Kept the birth centre open at weekends.') == 1 and
          'Kept the birth centre open at weekends.' in mat,
          'what we did about a chosen theme is under it, once though the form was sent twice')

    # ---- quotes ---------------------------------------------------------------
    theme = order[0]
    q = c.get(f'/report/quotes?theme={theme}')
    answers = re.findall(r'name="answer" value="(\d+)"', q.body)
    check(q.status == 200 and len(answers) >= 3, f'quotes are offered for {theme}')
    for a in answers[:2]:
        r = c.post('/report/quotes', [('csrf', csrf), ('theme', theme), ('answer', a),
                                      ('decision', 'approve'), ('reason', '')])
        check(r.status == 303, f'quote {a} approved')
    r = c.post('/report/quotes', [('csrf', csrf), ('theme', theme), ('answer', answers[2]),
                                  ('decision', 'reject'), ('reason', '')])
    check(r.status == 400 and 'Say why you reject the quote' in r.body,
          'a rejection without a reason is refused')
    r = c.post('/report/quotes', [('csrf', csrf), ('theme', theme), ('answer', answers[2]),
                                  ('decision', 'reject'), ('reason', 'names a ward')])
    check(r.status == 303, 'a quote rejected with a reason')
    check(srv.sql("SELECT decision || ':' || count(*) FROM report_quote GROUP BY decision "
                  "ORDER BY decision") == 'approved:2\nrejected:1',
          'two approved and one rejected are stored')
    frozen = srv.sql(f"SELECT text FROM report_quote WHERE answer_id = {answers[0]}")
    check(frozen and '@' not in frozen, 'an approved quote is frozen as redacted text')
    # A hidden cell: Maternity in East Staffordshire is not shown (counts csv).
    hidden = srv.sql("WITH RECURSIVE sub(id) AS (SELECT id FROM theme WHERE code = 'MATERNITY' "
                     "UNION SELECT h.id FROM theme h JOIN sub ON h.parent_id = sub.id) "
                     "SELECT DISTINCT a.id FROM tag t JOIN sub ON sub.id = t.theme_id JOIN answer "
                     "a ON a.id = t.answer_id JOIN response r ON r.id = a.response_id WHERE "
                     "r.district_code = 'E07000193' AND length(a.value) > 60").split()
    mq = c.get('/report/quotes?theme=MATERNITY')
    offered = set(re.findall(r'name="answer" value="(\d+)"', mq.body))
    check(hidden and not (set(hidden) & offered) and 'East Staffordshire' not in mq.body,
          f'no quote is offered from a hidden cell ({len(hidden)} answers there)')
    r = c.post('/report/quotes', [('csrf', csrf), ('theme', 'MATERNITY'), ('answer', hidden[0]),
                                  ('decision', 'approve'), ('reason', '')])
    check(r.status == 400 and srv.sql("SELECT count(*) FROM report_quote WHERE theme_code = "
                                      "'MATERNITY'") == '0',
          'approving a quote from a hidden cell is refused')

    # ---- logos ------------------------------------------------------------------
    hostile = {
        'script': b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        'onload': b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect '
                  b'width="1" height="1"/></svg>',
        'external href': b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/'
                         b'1999/xlink"><use x:href="http://evil.example/a.svg#x"/></svg>',
        'entity': b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                  b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
        'style url': b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://e/x)" '
                     b'width="1" height="1"/></svg>',
        'style element': b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(//e/x)'
                         b'</style></svg>',
        'foreignObject': b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><iframe '
                         b'xmlns="http://www.w3.org/1999/xhtml" src="//e"/></foreignObject></svg>',
        'image': b'<svg xmlns="http://www.w3.org/2000/svg"><image href="https://e/x.png"/></svg>',
        'javascript href': b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">'
                           b'<text>x</text></a></svg>',
        'not svg': b'<html><body>hello</body></html>',
        'too big': b'\x89PNG\r\n\x1a\n' + b'\0' * 4 + b'IHDR' + b'\0' * 120000,
    }
    for what, data in hostile.items():
        body, ctype = multipart([('csrf', csrf), ('action', 'upload'), ('alt', 'Logo')],
                                'logo.svg', data)
        r = c.request('POST', '/report/logo', body=body, ctype=ctype)
        check(r.status == 400 and 'The logo was not saved' in r.body and
              srv.sql('SELECT count(*) FROM report_logo') == '0',
              f'a hostile logo ({what}) is refused, saying why, and nothing is kept')
    body, ctype = multipart([('action', 'upload'), ('alt', 'Logo')], 'logo.svg', b'<svg/>')
    r = c.request('POST', '/report/logo', body=body, ctype=ctype)
    check(r.status == 403, f'a logo upload without the CSRF token is refused ({r.status})')
    good = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40" width="100" '
            b'height="40"><title>Partners</title><rect width="100" height="40" fill="#005eb8"/>'
            b'<text x="10" y="25" fill="#fff">Partners</text></svg>')
    body, ctype = multipart([('csrf', csrf), ('action', 'upload'), ('alt', 'Together Partners')],
                            'logo.svg', good)
    r = c.request('POST', '/report/logo', body=body, ctype=ctype)
    if r.status != 303:
        print(r.body[:3000])
    check(r.status == 303 and srv.sql("SELECT mime || ' ' || alt || ' ' || changed_by FROM "
                                      "report_logo") == 'image/svg+xml Together Partners Cam Comms',
          'a plain SVG logo is kept, with its text alternative and who uploaded it')

    # ---- publish: the same bytes as the command line ----------------------------
    r = c.post('/report/publish', [('csrf', csrf)])
    frag = PUB.replace('.html', '-fragment.html')
    check(r.status == 200 and os.path.exists(PUB) and os.path.exists(frag),
          'publish writes the page and the fragment')
    cli = os.path.join(srv.tmp, 'cli.html')
    subprocess.run([ANALYSER, 'report', srv.db, '--you-said-we-did', cli], check=True,
                   stdout=subprocess.DEVNULL)
    with open(PUB, 'rb') as a, open(cli, 'rb') as b:
        page, clipage = a.read(), b.read()
    check(page == clipage, 'the published page equals analyser report\'s, byte for byte')
    pv = c.get('/report/preview')
    check(pv.body.encode() == page, 'the preview is exactly the page published')
    with open(frag, 'rb') as a, open(cli.replace('.html', '-fragment.html'), 'rb') as b:
        check(a.read() == b.read(), 'and so does the fragment')
    text = page.decode()
    check(text.count('<figure class="quote">') == 2 and frozen.split()[0] in text,
          'the page has the two approved quotes and no other')
    check('<img class="logo" src="data:image/svg+xml;base64,' in text and
          'alt="Together Partners"' in text, 'the logo is inside the page')
    check('How we counted' in text and 'twb-2019' not in text.split('<!--')[0],
          'provenance is in plain words; the rule file is not named to the public')
    check('<h2 id="contact">Contact us</h2>' in text and 'Easy Read' in text,
          'contact details and the offer of other formats are on the page')
    with open(frag) as f:
        ftext = f.read()
    check(ftext.startswith('<div class="you-said-we-did">') and '<style' not in ftext and
          '<html' not in ftext and '<img' not in ftext, 'the fragment is a plain piece of HTML')

    # ---- erasing a quoted response takes its quote away --------------------------
    resp = srv.sql(f"SELECT response_id FROM report_quote WHERE answer_id = {answers[0]}")
    subprocess.run([COLLECTOR, 'erase', srv.db, '--response', resp, '--by', 'DPO', '--yes'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    check(srv.sql("SELECT count(*) FROM report_quote WHERE decision = 'approved'") == '1',
          'collector erase deletes the approved quote of the erased response')
    r = c.post('/report/publish', [('csrf', csrf)])
    with open(PUB) as f:
        text = f.read()
    check(r.status == 200 and text.count('<figure class="quote">') == 1 and
          'We have taken out a quote because the person who said it asked us to delete' in text,
          'the next publish has one quote and says why the other went')
finally:
    rc, err = srv.stop()
    check(rc == 0, f'the server stops cleanly ({rc})')
    check('ERROR: AddressSanitizer' not in err and 'runtime error' not in err,
          'no sanitizer report from the server')
    if os.environ.get('KEEP'):
        print('kept', srv.tmp)
    else:
        srv.cleanup()
finish()
