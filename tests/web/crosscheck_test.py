#!/usr/bin/env python3
"""Cross-field checks (docs/exercise-format.md) on the officers' entry page
and on the kiosk: the cases of tests/check_crosscheck.c posted over HTTP to
the real tally-web. A form that breaks a check is not saved; the message is
next to the question and what was typed stays.

usage: crosscheck_test.py TALLY_WEB COLLECTOR
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, check, finish  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
FIXTURES = os.environ.get('TALLY_FIXTURES', os.path.join(os.path.dirname(__file__), '..',
                                                          'fixtures'))
EVENT = 'LE-TAM-1'
TEXT = 'Kind staff'

# (form, answers as typed at the terminal, questions whose answers break a check)
CASES = [
    ('standard', ['1', '1,2', TEXT, 's'], []),
    ('standard', ['1', '3', TEXT, 's'], []),
    ('standard', ['1', '1,3', TEXT, 's'], [2]),
    ('standard', ['1', '3,4', 's', 's'], [2]),
    ('standard', ['1', '2,4', 's', 's'], [2]),
    ('standard', ['2', '1', 's', 's'], [2]),
    ('standard', ['2', 's', TEXT, 's'], [3]),
    ('standard', ['2', 's', 's', 'More buses'], []),
    ('standard', ['3', '1', 's', 's'], []),
    ('standard', ['3', 's', TEXT, 's'], [3]),
    ('standard', ['s', '1', TEXT, 's'], []),
    ('standard', ['u', '1,3', TEXT, 's'], [2]),
    ('standard', ['2', 'u', 'u', 's'], []),
    ('standard', ['2', '1,3', TEXT, 's'], [2, 3]),
    ('easy-read', ['1,3', '1'], [1]),
    ('easy-read', ['1', '2'], [1]),
    ('easy-read', ['1,2', '1'], []),
    ('easy-read', ['3', 's'], []),
]
CHOICE = {'standard': {1, 2}, 'easy-read': {1, 2}}


def fields_of(form, typed):
    """The posted fields for answers typed as at the terminal."""
    out = []
    for n, v in enumerate(typed, 1):
        if v == 's':
            continue
        if v == 'u':
            out.append((f'u{n}', '1'))
        elif n in CHOICE[form]:
            out += [(f'q{n}', x) for x in v.split(',')]
        else:
            out.append((f'q{n}', v))
    return out


def errors_at(body):
    return sorted(int(n) for n in re.findall(r'id="q(\d+)-error"', body))


srv = Server(WEB, COLLECTOR, [('Jo Bloggs', 'officer'), ('Ann Super', 'supervisor')],
             exercise=os.path.join(FIXTURES, 'crosscheck', 'exercise.xml'))
try:
    srv.start()
    jo = srv.client()
    jo.login('Jo Bloggs')

    # ---- the officers' entry page ---------------------------------------------
    for i, (form, typed, broken) in enumerate(CASES):
        page = jo.get(f'/entry?event={EVENT}&form={form}&mode=first')
        answers = fields_of(form, typed)
        base = [('csrf', page.field('csrf')), ('token', page.field('token')), ('event', EVENT),
                ('form', form), ('mode', 'first'), ('serial', f'W-{i:02d}'), *answers]
        before = srv.sql('SELECT count(*) FROM response')
        r = jo.post('/entry', base + [('action', 'review')])
        what = f'entry case {i} ({form} {typed})'
        if not broken:
            check(r.status == 200 and 'Save this form' in r.body and not errors_at(r.body),
                  f'{what}: reaches the review')
            r = jo.post('/entry', base + [('action', 'save')])
            check(r.status == 303 and srv.sql('SELECT count(*) FROM response') == str(int(before) + 1),
                  f'{what}: is saved')
            continue
        check(r.status == 200 and errors_at(r.body) == broken,
              f'{what}: refused, the message next to question(s) {broken}, got {errors_at(r.body)}')
        check(all(f'href="#q{n}"' in r.body for n in broken), f'{what}: in the error summary')
        check('tick &quot;I cannot read this answer&quot;' in r.body,
              f'{what}: says what to do when the paper form is like that')
        kept = all(f'name="{k}" value="{v}" checked' in r.body or f'>{v}</textarea>' in r.body
                   for k, v in answers if k.startswith('q') or k.startswith('u')) \
            if answers else True
        check(kept, f'{what}: everything typed stays on the page')
        r = jo.post('/entry', base + [('action', 'save')])
        check(r.status == 200 and errors_at(r.body) == broken and
              srv.sql('SELECT count(*) FROM response') == before,
              f'{what}: a save straight away is refused too, nothing stored')

    # ---- the kiosk ------------------------------------------------------------
    sup = srv.client()
    sup.login('Ann Super')
    links = {}
    for form in ('standard', 'easy-read'):
        page = sup.get('/kiosks')
        r = sup.post('/kiosks', [('csrf', page.field('csrf')), ('event', EVENT), ('form', form),
                                 ('hours', '10'), ('idle', '5'), ('action', 'create')])
        m = re.search(r'/kiosk\?k=([0-9a-f]{64})', r.body)
        check(m is not None, f'a kiosk link for the {form} form')
        links[form] = m.group(1) if m else ''
    kiosk = srv.client()
    for i, (form, typed, broken) in enumerate(CASES):
        if 'u' in typed:  # the public has no "cannot read" box
            continue
        k = links[form]
        page = kiosk.get(f'/kiosk?k={k}')
        answers = fields_of(form, typed)
        before = srv.sql("SELECT count(*) FROM response WHERE channel = 'kiosk'")
        r = kiosk.post('/kiosk', [('csrf', page.field('csrf')), ('k', k),
                                  ('token', page.field('token')), *answers])
        what = f'kiosk case {i} ({form} {typed})'
        after = srv.sql("SELECT count(*) FROM response WHERE channel = 'kiosk'")
        if not broken:
            check(r.status == 303 and int(after) == int(before) + 1, f'{what}: is saved')
            continue
        check(r.status == 200 and errors_at(r.body) == broken and after == before,
              f'{what}: refused, the message next to question(s) {broken}, got '
              f'{errors_at(r.body)}; nothing stored')
        check('I cannot read' not in r.body and
              ('Untick one of them' in r.body or 'Leave this one empty' in r.body),
              f'{what}: says what to do, in plain words')
        check(all(f'value="{v}" checked' in r.body for k2, v in answers if k2 in ('q1', 'q2')),
              f'{what}: the ticks stay')
finally:
    rc, err = srv.stop()
    check(TEXT not in err, 'the server log holds no answer')
    srv.cleanup()
finish()
