#!/usr/bin/env python3
"""collector xform: the questionnaire as an ODK XForm and its mapping.

For the sample exercise (standard and Easy Read) and the typed-questions
fixture (number, date and short-text questions), between them every question
type: the form is well-formed and has the structure the importer reads (an
XHTML document whose model's primary instance is <data id=...>, a bind for
every leaf, a control for every question, the mapping's fields all leaves
of the instance); a submission answering every question, made from the form
alone as ODK Collect would, goes through `collector import` with the mapping
written beside the form, and the database holds the same answers.

usage: xform_export.py COLLECTOR SAMPLES FIXTURES
"""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

COLLECTOR, SAMPLES, FIXTURES = sys.argv[1:4]
XF = '{http://www.w3.org/2002/xforms}'
H = '{http://www.w3.org/1999/xhtml}'
JR = '{http://openrosa.org/javarosa}'
failures = 0


def check(ok, what):
    global failures
    print(('ok   ' if ok else 'FAIL ') + what, flush=True)
    if not ok:
        failures += 1


def run(*args, ok=0):
    p = subprocess.run([COLLECTOR, *args], capture_output=True, text=True)
    if p.returncode != ok:
        raise SystemExit(f'collector {" ".join(args)}: exit {p.returncode}\n{p.stderr}')
    return p


def leaves(elem, prefix=''):
    out = []
    for child in elem:
        name = child.tag.split('}')[-1]
        path = f'{prefix}/{name}'
        out.extend(leaves(child, path) if len(child) else [path])
    return out


def submission(form_path, map_path):
    """The form's structure checked; an instance answering every question; what to expect."""
    root = ET.parse(form_path).getroot()
    check(root.tag == H + 'html', f'{os.path.basename(form_path)}: an XHTML document')
    model = root.find(f'{H}head/{XF}model')
    data = model.find(f'{XF}instance/{XF}data')
    check(data is not None and data.get('id', '').startswith('tally-'),
          'its model has the primary instance <data id="tally-...">')
    fields = leaves(data, '/data')
    binds = {b.get('nodeset'): b for b in model.findall(f'{XF}bind')}
    check(set(binds) == set(fields), 'a bind for every leaf of the instance, and no other')
    controls = {c.get('ref'): c for c in root.find(f'{H}body')}
    questions = [f for f in fields if f.startswith('/data/q_')]
    check(set(controls) == set(questions) | {'/data/event'},
          'a control for every question and the event, and no other')
    mapping = ET.parse(map_path).getroot()
    mapped = {m.get('field') for m in mapping if m.get('field')}
    check(all('/data/' + f in fields for f in mapped),
          "every field the mapping names is a leaf of the form's instance")
    postcode = mapping.find('postcode').get('field') if mapping.find('postcode') is not None \
        else None
    codes = {'/data/' + q.get('field'): q.get('code') for q in mapping.findall('question')}
    check(set(codes) == set(questions), 'the mapping maps every question of the form')

    values, expect, types = {}, {}, set()
    event = controls['/data/event'].find(f'{XF}item/{XF}value').text
    for ref in questions:
        b, c = binds[ref], controls[ref]
        items = [i.find(f'{XF}value').text for i in c.findall(f'{XF}item')]
        t = b.get('type')
        code = codes[ref]
        if t == 'select1':
            v = items[1] if len(items) > 1 else items[0]
            values[ref], expect[code] = v, ('options', {v})
            types.add('single-choice')
        elif t == 'select':
            values[ref], expect[code] = ' '.join(items[:2]), ('options', set(items[:2]))
            types.add('multiple-choice')
        elif t == 'int':
            hi = re.search(r'<= (-?\d+)', b.get('constraint')).group(1)
            values[ref], expect[code] = hi, ('value', hi)
            types.add('scale')
        elif t == 'decimal':
            values[ref], expect[code] = '26.5', ('value', '26.5')
            types.add('number')
        elif t == 'date':
            values[ref], expect[code] = '2019-06-05', ('value', '2019-06-05')
            types.add('date')
        elif ref == '/data/' + (postcode or ''):
            values[ref], expect[code] = 'st4 6qg', ('value', 'ST4 6QG')
            types.add('postcode')
        elif b.get('constraint', '').startswith('string-length'):
            values[ref], expect[code] = 'A short answer', ('value', 'A short answer')
            types.add('short-text')
        else:
            check(c.get('appearance') == 'multiline', f'{code}: free text is a multiline input')
            text = f'About {code}: the staff were kind & the wait was <short>.\nSecond line.'
            values[ref], expect[code] = text, ('value', text)
            types.add('free-text')
    inst = ET.Element('data', {'id': data.get('id'), 'version': data.get('version')})
    for f in fields:
        node = inst
        for part in f.split('/')[2:]:
            found = node.find(part)
            node = found if found is not None else ET.SubElement(node, part)
        node.text = {'/data/start': '2019-06-22T12:15:26.000+01:00',
                     '/data/end': '2019-06-22T12:17:25.000+01:00',
                     '/data/event': event,
                     '/data/meta/instanceID': 'uuid:7d1c4e2a-0b9f-4c55-8a61-2f3e9d0c1b7a'
                     }.get(f, values.get(f, ''))
    return ET.tostring(inst, encoding='unicode'), expect, event, types


def stored(db, variant):
    """The answers of the one response, by the form's own question and option codes."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT fq.code, fo.code, a.value FROM answer a "
        "JOIN response r ON r.id = a.response_id "
        "JOIN questionnaire n ON n.exercise_id = r.exercise_id AND n.variant = ? "
        "JOIN question fq ON fq.questionnaire_id = n.id AND "
        "  (fq.id = a.question_id OR fq.maps_to = a.question_id) "
        "LEFT JOIN question_option fo ON fo.question_id = fq.id AND "
        "  (fo.id = a.option_id OR fo.maps_to = a.option_id) "
        "WHERE a.state = 'answered'", (variant,)).fetchall()
    got = {}
    for q, o, v in rows:
        kind, _ = got.setdefault(q, ('options' if o is not None else 'value', set()))
        got[q][1].add(o if o is not None else v)
    meta = con.execute("SELECT count(*), min(channel), min(form_variant), "
                       "min((SELECT code FROM event WHERE id = event_id)) FROM response").fetchone()
    con.close()
    return got, meta


tmp = tempfile.mkdtemp(prefix='tally-xform-')
seen = set()
try:
    cases = [(os.path.join(SAMPLES, 'exercise-2019.xml'), 'standard'),
             (os.path.join(SAMPLES, 'exercise-2019.xml'), 'easy-read'),
             (os.path.join(FIXTURES, 'typed', 'exercise.xml'), 'standard')]
    for n, (exercise, variant) in enumerate(cases):
        d = os.path.join(tmp, str(n))
        os.makedirs(d)
        db = os.path.join(d, 'survey.db')
        run('init', db, exercise)
        out = os.path.join(d, 'out')
        run('xform', db, '-o', out, '--form', variant)
        forms = sorted(f for f in os.listdir(out) if not f.endswith('.map.xml'))
        maps = sorted(f for f in os.listdir(out) if f.endswith('.map.xml'))
        check(len(forms) == 1 and len(maps) == 1 and maps[0] == forms[0][:-4] + '.map.xml',
              f'{variant} form of {os.path.basename(exercise)}: the form and its mapping, '
              'side by side')
        form, mp = os.path.join(out, forms[0]), os.path.join(out, maps[0])
        xml, expect, event, types = submission(form, mp)
        seen |= types
        # As ODK Briefcase lays a form's submissions out: the form, then instances.
        sub = os.path.join(d, 'submissions')
        os.makedirs(os.path.join(sub, 'instances'))
        shutil.copy(form, sub)
        with open(os.path.join(sub, 'instances', 'one.xml'), 'w') as fh:
            fh.write(xml)
        p = run('import', db, sub, '--map', mp)
        got, meta = stored(db, variant)
        check(meta == (1, 'event-card', variant, event),
              f'one response stored, channel event-card, form {variant}, event {event}')
        for code, (kind, want) in expect.items():
            g = got.get(code, (None, set()))
            if kind == 'options':
                check(want <= g[1], f'{code}: the options chosen are stored')
            else:
                check(g[1] == {want}, f'{code}: the answer is stored as given')
        check(set(got) == set(expect), 'no answer stored that was not given')
        # The same submission again is the same response: nothing new.
        run('import', db, sub, '--map', mp)
        check(stored(db, variant)[1][0] == 1, 'importing it again adds nothing')
    check(seen == {'free-text', 'single-choice', 'multiple-choice', 'scale', 'postcode',
                   'number', 'date', 'short-text'}, 'every question type went through: ' +
          ', '.join(sorted(seen)))
    # A form that is neither: refused on the command line, nothing written.
    d = os.path.join(tmp, '0')
    p = run('xform', os.path.join(d, 'survey.db'), '-o', os.path.join(d, 'other'), '--form',
            'large-print', ok=2)
    check('standard or easy-read' in p.stderr and not os.path.exists(os.path.join(d, 'other')),
          '--form large-print is refused, nothing written')
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print('all checks passed' if not failures else f'{failures} checks failed')
sys.exit(1 if failures else 0)
