#!/usr/bin/env python3
"""Changing a saved form before it is checked, over HTTP: the officer's list
of their typed forms, the Change page filled with what is stored, the earlier
version kept and listed, who may change it, and no change after a second
entry.

usage: edit_test.py TALLY_WEB COLLECTOR
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, check, finish  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
EVENT = 'LE-HAN-1'
XSS = '<script>alert(1)</script> first words'


def entry(c, serial, answers, mode='first'):
    page = c.get(f'/entry?event={EVENT}&form=standard&mode={mode}')
    return c.post('/entry', [('csrf', page.field('csrf')), ('token', page.field('token')),
                             ('event', EVENT), ('form', 'standard'), ('mode', mode),
                             ('serial', serial), *answers, ('action', 'save')])


def edit_fields(page, rid, answers, action='save'):
    return [('csrf', page.field('csrf')), ('token', page.field('token')), ('event', EVENT),
            ('form', 'standard'), ('mode', 'first'), ('serial', '801'), ('edit', str(rid)),
            *answers, ('action', action)]


def answer(serial, code):
    return srv.sql("SELECT group_concat(coalesce(o.code, a.value), ',') FROM answer a JOIN "
                   "question q ON q.id = a.question_id JOIN response r ON r.id = a.response_id "
                   "LEFT JOIN question_option o ON o.id = a.option_id WHERE r.serial = "
                   f"'{serial}' AND q.code = '{code}'")


srv = Server(WEB, COLLECTOR, [('Jo Bloggs', 'officer'), ('Sam Smith', 'officer'),
                              ('Ann Super', 'supervisor')])
try:
    srv.start()
    jo, sam, ann, anon = srv.client(), srv.client(), srv.client(), srv.client()
    jo.login('Jo Bloggs')
    sam.login('Sam Smith')
    ann.login('Ann Super')

    r = entry(jo, '801', [('q1', '1'), ('q3', XSS)])
    check(r.status == 303, 'Jo saves form 801')
    rid = int(srv.sql("SELECT id FROM response WHERE serial = '801'"))
    check(anon.get('/entry/mine').status == 303 and anon.get(f'/entry/edit?r={rid}').status == 303,
          'the list and the Change page need a login')
    check('/entry/mine' in jo.get('/').body, 'the home page links to the officer\'s typed forms')
    mine = jo.get('/entry/mine')
    check(mine.status == 200 and '>801<' in mine.body and f'href="/entry/edit?r={rid}"' in mine.body,
          'Jo\'s list shows form 801 with a Change link')
    check('>801<' not in sam.get('/entry/mine').body, 'Sam\'s list does not show Jo\'s form')
    r = sam.get(f'/entry/edit?r={rid}')
    check(r.status == 400 and 'Only the officer who typed form 801, or a supervisor' in r.body,
          'another officer cannot open it for changing')
    check(jo.get('/entry/edit?r=999999').status == 400 and jo.get('/entry/edit?r=x').status == 400,
          'an unknown or malformed form is refused')

    page = jo.get(f'/entry/edit?r={rid}')
    check(page.status == 200 and 'Change form 801' in page.body and
          'name="q1" value="1" checked' in page.body and
          '&lt;script&gt;alert(1)&lt;/script&gt; first words</textarea>' in page.body,
          'the Change page holds the stored answers, escaped')
    check('<script>alert(1)' not in page.body, 'no answer comes back as markup')
    n0 = int(srv.sql('SELECT count(*) FROM response'))
    r = jo.post('/entry', edit_fields(page, rid, [('q1', '2'), ('q3', 'Second words')], 'review'))
    check(r.status == 200 and 'Save this form' in r.body and 'name="edit"' in r.body,
          'the change goes through the review')
    fields = edit_fields(page, rid, [('q1', '2'), ('q3', 'Second words')])
    r = jo.post('/entry', [f for f in fields if f[0] != 'csrf'])
    check(r.status == 403 and answer('801', 'UEC-WELL') == XSS, 'a change without CSRF changes nothing')
    r = jo.post('/entry', fields)
    check(r.status == 303 and r.header('Location') == f'/entry/mine?changed={rid}',
          'the change is saved')
    check(answer('801', 'RESPONDENT') == 'staff' and answer('801', 'UEC-WELL') == 'Second words'
          and int(srv.sql('SELECT count(*) FROM response')) == n0,
          'the form has the new answers, and is still one form')
    check(srv.sql("SELECT version || '|' || saved_by || '|' || replaced_by FROM entry_version") ==
          '1|Jo Bloggs|Jo Bloggs', 'the previous version is kept: who saved it, who changed it')
    check(srv.sql("SELECT value FROM entry_version_answer WHERE value IS NOT NULL") == XSS,
          'the previous version keeps what it said')
    r = jo.post('/entry', fields)
    check(r.status == 303 and srv.sql('SELECT count(*) FROM entry_version') == '1',
          'the same change posted twice changes the form once')
    check(srv.sql("SELECT count(*) FROM audit WHERE action = 'edit' AND account = 'Jo Bloggs' "
                  f"AND object = 'response {rid}'") == '1', 'the change is in the audit, no content')
    mine = jo.get(f'/entry/mine?changed={rid}')
    check('Form 801 is changed' in mine.body and '1 earlier version' in mine.body,
          'the list says it changed and counts its earlier versions')

    page = ann.get(f'/entry/edit?r={rid}')
    check(page.status == 200 and 'Earlier versions' in page.body and
          '&lt;script&gt;alert(1)&lt;/script&gt; first words' in page.body and
          'saved by Jo Bloggs' in page.body, 'a supervisor opens it and sees the earlier version')
    r = ann.post('/entry', edit_fields(page, rid, [('q1', '3'), ('q3', 'Third words')]))
    check(r.status == 303 and answer('801', 'RESPONDENT') == 'voluntary',
          'a supervisor changes it')
    check(srv.sql("SELECT group_concat(version || ':' || saved_by || '>' || replaced_by, ' ') "
                  "FROM entry_version") == '1:Jo Bloggs>Jo Bloggs 2:Jo Bloggs>Ann Super',
          'each change is a version with who saved it and who changed it')
    check('Typed by' in ann.get('/entry/mine').body, 'the supervisor\'s list shows who typed each form')

    # A second entry checks it: no more changes.
    r = entry(sam, '801', [('q1', '3'), ('q3', 'Third words')], mode='second')
    check(r.status == 303, 'Sam types form 801 a second time')
    r = jo.get(f'/entry/edit?r={rid}')
    check(r.status == 400 and 'has been checked by a second entry' in r.body,
          'after the second entry the Change page refuses, saying why')
    home = jo.get('/')  # Jo's CSRF token, with the token of a Change page opened before
    r = jo.post('/entry', [('csrf', home.field('csrf')) if f[0] == 'csrf' else f
                           for f in edit_fields(page, rid, [('q1', '1')])])
    check(r.status == 400 and answer('801', 'RESPONDENT') == 'voluntary' and
          srv.sql('SELECT count(*) FROM entry_version') == '2',
          'a change posted after the second entry is refused, nothing written')
    mine = jo.get('/entry/mine')
    check('Checked: cannot be changed' in mine.body and f'/entry/edit?r={rid}' not in mine.body,
          'the list no longer offers to change it')
finally:
    rc, err = srv.stop()
    check('Second words' not in err and 'first words' not in err, 'the server log holds no answer')
    srv.cleanup()
finish()
