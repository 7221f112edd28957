#!/usr/bin/env python3
"""HTTP-level tests of tally-web: the real server on a free loopback port
over a temporary database.

usage: http_test.py TALLY_WEB COLLECTOR
"""
import os
import http.client
import re
import shutil
import socket
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import PASSWORD, Server, check, finish  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
EVENT = 'LE-HAN-1'
XSS = '<script>alert(1)</script>"\'&'
# Every route of web/routes.c that needs a role: a new page is covered here
# without anyone remembering to add it.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'web',
                       'routes.c')) as f:
    ROUTES = re.findall(r'\{ "(GET|POST)", "([^"]+)", (ROLE_[A-Z_]+),', f.read())
ROUTES_GET = [p for m, p, role in ROUTES if m == 'GET' and role != 'ROLE_NONE']
ROUTES_POST = [p for m, p, role in ROUTES if m == 'POST' and role != 'ROLE_NONE']

srv = Server(WEB, COLLECTOR, [('Jo Bloggs', 'officer'), ('Sam Smith', 'officer'),
                              ('Ann Super', 'supervisor'), ('Al Admin', 'admin'),
                              ('Tim Target', 'officer'), ('<b>Evil</b> "Name"', 'officer')])
# An event venue that is also an attack: it must come back as text.
srv.sql("UPDATE event SET venue = '<img src=x onerror=alert(1)>' WHERE code = 'LE-CAN-1'")


def responses():
    return int(srv.sql("SELECT count(*) FROM response"))


def entry_page(c, form='standard', mode='first', event=EVENT):
    return c.get(f'/entry?event={event}&form={form}&mode={mode}')


def entry_fields(page, serial, answers, action='save', form='standard', mode='first'):
    return [('csrf', page.field('csrf')), ('token', page.field('token')), ('event', EVENT),
            ('form', form), ('mode', mode), ('serial', serial), *answers, ('action', action)]


def raw_status(port, cookie, length):
    """The status of a POST that announces `length` bytes and sends a few."""
    with socket.create_connection(('127.0.0.1', port), timeout=60) as s:
        s.sendall(('POST /entry HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: tally_session=%s\r\n'
                   'Content-Type: application/x-www-form-urlencoded\r\n'
                   'Content-Length: %d\r\n\r\ncsrf=' % (cookie, length)).encode())
        head = s.recv(4096).decode('latin-1')
    return int(head.split()[1]) if head.startswith('HTTP/1.1 ') else 0


try:
    # ---- accounts from the command line --------------------------------------
    def user(*args, password=None):
        return subprocess.run([WEB, 'user', *args], input=password, capture_output=True,
                              text=True, timeout=60)

    r = user('add', srv.db, 'Short Pw', '--role', 'officer', '--password-stdin',
             password='short\n')
    check(r.returncode == 1 and 'shorter than 10' in r.stderr, 'a short password is refused')
    r = user('add', srv.db, 'jo bloggs', '--role', 'officer', '--password-stdin',
             password=PASSWORD + '\n')
    check(r.returncode == 1 and 'already an account' in r.stderr,
          'a name already taken (in any case) is refused')
    r = user('add', srv.db, 'New One', '--role', 'boss', '--password-stdin',
             password=PASSWORD + '\n')
    check(r.returncode == 2, 'an unknown role is a usage error')
    r = user('add', srv.db, 'New One', '--role', 'officer', '--password', PASSWORD)
    check(r.returncode == 2, 'there is no way to give a password on the command line')
    r = user('list', srv.db)
    check(r.returncode == 0 and 'Jo Bloggs' in r.stdout and 'supervisor' in r.stdout and
          PASSWORD not in r.stdout, 'user list shows the accounts and roles')
    check(srv.sql("SELECT count(*) FROM account WHERE hash LIKE '$argon2id$%'") ==
          srv.sql("SELECT count(*) FROM account"), 'passwords are stored as Argon2id hashes')
    r = user('disable', srv.db, 'Nobody')
    check(r.returncode == 1, 'disabling an unknown account says so (exit 1)')

    # ---- listening: loopback only, unless TLS or --insecure-http -------------
    r = subprocess.run([WEB, 'serve', srv.db, '--listen', '0.0.0.0:0'], capture_output=True,
                       text=True, timeout=60)
    check(r.returncode == 2 and 'TLS' in r.stderr,
          'a non-loopback address without TLS is refused (exit 2)')
    p = subprocess.Popen([WEB, 'serve', srv.db, '--listen', '0.0.0.0:0', '--insecure-http'],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = p.stdout.readline()
    p.terminate()
    _, err = p.communicate(timeout=60)
    check('serving' in started and 'warning' in err and p.returncode == 0,
          '--insecure-http starts, with a warning')

    srv.start()
    anon = srv.client()

    # ---- every route refuses an anonymous request -----------------------------
    check(len(ROUTES_GET) >= 5 and len(ROUTES_POST) >= 3, 'the route table was read')
    for path in ROUTES_GET:
        r = anon.get(path)
        check(r.status == 303 and r.header('Location') == '/login',
              f'anonymous GET {path} is sent to the login page')
    for path in ROUTES_POST:
        r = anon.post(path, [('csrf', 'x')])
        check(r.status == 401, f'anonymous POST {path} is refused (401)')
    with socket.create_connection(('127.0.0.1', srv.port), timeout=60) as s:
        s.sendall(b'GET /login HTTP/1.1\r\nHost: rebound.example:8080\r\n\r\n')
        head = s.recv(4096).decode('latin-1')
    check(head.startswith('HTTP/1.1 421') and 'tally_session' not in head,
          'on loopback a request for another host name is refused (DNS rebinding)')
    r = anon.get('/nowhere')
    check(r.status == 404, 'an unknown page is 404')
    r = anon.get('/style.css')
    check(r.status == 200 and 'text/css' in r.header('Content-Type') and '#005eb8' in r.body,
          'the style sheet is served from the binary')

    # ---- login: CSRF, fixation, cookie attributes ----------------------------
    c = srv.client()
    page = c.get('/login')
    before = c.cookie
    check(before is not None and 'name="csrf"' in page.body, 'the login page starts a session')
    sc = page.header('Set-Cookie')
    check('HttpOnly' in sc and 'SameSite=Strict' in sc and 'Path=/' in sc and
          'Secure' not in sc, 'the cookie is HttpOnly, SameSite=Strict, Path=/ (no TLS here)')
    r = c.post('/login', [('name', 'Jo Bloggs'), ('password', PASSWORD)])
    check(r.status == 403 and c.cookie == before, 'a login without the CSRF token is refused')
    r = c.post('/login', [('csrf', '0' * 64), ('name', 'Jo Bloggs'), ('password', PASSWORD)])
    check(r.status == 403 and c.cookie == before, 'a login with a wrong CSRF token is refused')
    r = c.post('/login', [('csrf', page.field('csrf')), ('name', 'Jo Bloggs'),
                          ('password', PASSWORD)])
    check(r.status == 303 and r.header('Location') == '/', 'the right password logs in')
    check(c.cookie and c.cookie != before, 'logging in gives a new session id (no fixation)')
    old = srv.client()
    old.cookie = before
    check(old.get('/').status == 303, 'the session id from before the login no longer works')
    check(srv.sql("SELECT count(*) FROM web_session WHERE id_hash = '%s'" % c.cookie) == '0',
          'the database keeps only a hash of the session id')
    home = c.get('/')
    check(home.status == 200 and 'Jo Bloggs' in home.body, 'the home page shows who is logged in')
    check('onerror=alert' not in home.body.replace('&lt;img src=x onerror=alert(1)&gt;', '') and
          '&lt;img src=x onerror=alert(1)&gt;' in home.body, 'an event venue comes back escaped')
    r = c.post('/login', [('csrf', page.field('csrf')), ('name', 'x'), ('password', 'y')])
    check(r.status == 403, 'the login page\'s token is not the logged-in session\'s token')

    # ---- roles ---------------------------------------------------------------
    csrf = home.field('csrf')
    check(c.get('/resolve').status == 403, 'an officer cannot open the resolution page')
    check(c.post('/resolve', [('csrf', csrf), ('response', '1'), ('question', '1'),
                              ('choice', 'first')]).status == 403,
          'an officer cannot resolve')
    check(c.get('/admin').status == 403, 'an officer cannot open the admin page')
    sup = srv.client()
    sup.login('Ann Super')
    check(sup.get('/resolve').status == 200, 'a supervisor can open the resolution page')
    check(sup.get('/admin').status == 403, 'a supervisor cannot open the admin page')
    adm = srv.client()
    adm.login('Al Admin')
    r = adm.get('/admin')
    check(r.status == 200 and '&lt;b&gt;Evil&lt;/b&gt; &quot;Name&quot;' in r.body and
          '<b>Evil' not in r.body, 'an admin sees the accounts, names escaped')
    # Comms pages are for comms staff (and admins): officers and supervisors are refused.
    ranks = {'ROLE_OFFICER': 1, 'ROLE_SUPERVISOR': 2, 'ROLE_ADMIN': 3, 'ROLE_COMMS': 99,
             'ROLE_ANALYST': 99}
    for who, rank, client in [('an officer', 1, c), ('a supervisor', 2, sup)]:
        tok = client.get('/').field('csrf')
        for m, path, role in ROUTES:
            if ranks.get(role, 0) <= rank:
                continue
            r = client.get(path) if m == 'GET' else client.post(path, [('csrf', tok)])
            check(r.status == 403, f'{who} is refused {m} {path} (403)')
    evil = srv.client()
    r = evil.login('<b>Evil</b> "Name"')
    r = evil.get('/')
    check(r.status == 200 and '&lt;b&gt;Evil&lt;/b&gt;' in r.body and '<b>Evil' not in r.body,
          'an officer\'s name comes back escaped')

    # ---- typing a form: checks, XSS, CSRF, double submit ----------------------
    page = entry_page(c)
    check(page.status == 200 and page.field('token') and len(page.field('token')) == 64,
          'the entry page carries a token')
    n0 = responses()
    bad = c.post('/entry', entry_fields(page, '101', [('q1', '9'), ('q2', '99'),
                                                     ('q20', '11'), ('q23', 'not a postcode')],
                                        action='review'))
    check(bad.status == 200 and 'There is a problem' in bad.body and
          'href="#q1"' in bad.body and 'href="#q2"' in bad.body and 'href="#q20"' in bad.body and 'href="#q23"' in bad.body and
          'id="q1-error"' in bad.body, 'mistakes are shown in the summary and next to each field')
    check('tick &quot;I cannot read this answer&quot;' in bad.body and 'type u' not in bad.body,
          'the checks are said in this page\'s words, not the terminal\'s')
    check(responses() == n0, 'a form with mistakes saves nothing')
    rev = c.post('/entry', entry_fields(page, '101', [('q1', '1'), ('q3', XSS)], action='review'))
    check(rev.status == 200 and 'Save this form' in rev.body, 'a good form reaches the review')
    check('<script>alert(1)' not in rev.body and '&lt;script&gt;alert(1)&lt;/script&gt;' in rev.body,
          'an answer comes back escaped on the review page')
    fields = entry_fields(page, '101', [('q1', '1'), ('q3', XSS)])
    r = c.post('/entry', [f for f in fields if f[0] != 'csrf'])
    check(r.status == 403 and responses() == n0, 'a save without the CSRF token writes nothing')
    r = c.post('/entry', [('csrf', 'f' * 64) if f[0] == 'csrf' else f for f in fields])
    check(r.status == 403 and responses() == n0, 'a save with a wrong CSRF token writes nothing')
    r = c.post('/entry', fields + [('q99', 'x')])
    check(r.status == 400 and responses() == n0, 'an unknown field is refused, nothing written')
    r = c.post('/entry', fields + [('serial', '102')])
    check(r.status == 400 and responses() == n0, 'a field given twice is refused')
    r1 = c.post('/entry', fields)
    r2 = c.post('/entry', fields)
    check(r1.status == 303 and r1.header('Location', ) and r2.status == 303 and
          r1.header('Location') == r2.header('Location'),
          'the same form posted twice gives the same result')
    check(srv.sql("SELECT count(*) FROM response WHERE serial = '101'") == '1' and
          responses() == n0 + 1, 'the double submit stored one form')
    check(srv.sql("SELECT officer || '|' || channel FROM response WHERE serial = '101'") ==
          'Jo Bloggs|paper', 'the form is saved under the account\'s name, channel paper')
    check(srv.sql("SELECT value FROM answer a JOIN question q ON q.id = a.question_id "
                  "JOIN response r ON r.id = a.response_id WHERE r.serial = '101' AND "
                  "q.code = 'UEC-WELL'") == XSS, 'the answer is stored as typed')
    saved = c.get(r1.header('Location'))
    check(saved.status == 200 and 'Form 101 saved' in saved.body, 'the saved page says so')
    other = srv.client()
    other.login('Sam Smith')
    check(other.get(r1.header('Location')).status == 400,
          'another officer cannot read someone else\'s saved page')
    page2 = entry_page(c)
    r = c.post('/entry', entry_fields(page2, '101', [('q1', '2')]))
    check(r.status == 200 and 'already' in r.body and responses() == n0 + 1,
          'a serial number already entered is refused next to the field')
    # A one-letter answer is text, not a command.
    page3 = entry_page(c)
    r = c.post('/entry', entry_fields(page3, '103', [('q3', 's'), ('u4', '1')]))
    check(r.status == 303 and srv.sql(
        "SELECT value FROM answer a JOIN question q ON q.id = a.question_id JOIN response r ON "
        "r.id = a.response_id WHERE r.serial = '103' AND q.code = 'UEC-WELL'") == 's',
          'a one-letter free-text answer is kept as text')
    check(srv.sql("SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id JOIN "
                  "response r ON r.id = a.response_id WHERE r.serial = '103' AND "
                  "q.code = 'UEC-BETTER' AND a.state = 'unreadable'") == '1',
          '"I cannot read this answer" stores it as unreadable')

    # ---- Easy Read and a second entry, then the supervisor --------------------
    epage = entry_page(c, form='easy-read')
    check(epage.status == 200 and 'Easy Read form' in epage.body, 'the Easy Read form is offered')
    r = other.post('/entry', entry_fields(entry_page(other, mode='second'), '101',
                                          [('q1', '2'), ('q3', XSS)], mode='second'))
    check(r.status == 303, 'a second officer saves a second entry')
    diff = other.get(r.header('Location'))
    check('Differences' in diff.body and srv.sql(
        "SELECT entry_status FROM response WHERE serial = '101'") == 'differences',
          'the differences are shown side by side and the form awaits a supervisor')
    r = c.post('/entry', entry_fields(entry_page(c, mode='second'), '103', [], mode='second'))
    check(r.status == 200 and 'There is a problem' in r.body,
          'the first officer cannot verify their own form')
    res = sup.get('/resolve')
    check('Form 101' in res.body, 'the supervisor sees the form with differences')
    rid = srv.sql("SELECT id FROM response WHERE serial = '101'")
    qid = srv.sql("SELECT question_id FROM entry_difference WHERE response_id = %s" % rid)
    r = sup.post('/resolve', [('csrf', res.field('csrf')), ('response', rid), ('question', qid),
                              ('choice', 'second')])
    check(r.status == 303 and srv.sql("SELECT entry_status FROM response WHERE id = %s" % rid)
          == 'verified' and srv.sql("SELECT resolved_by FROM entry_resolution WHERE "
                                    "response_id = %s" % rid) == 'Ann Super',
          'the supervisor settles it: verified, recorded with who')

    # A correction typed by the supervisor is checked like any answer.
    r = other.post('/entry', entry_fields(entry_page(other, mode='second'), '103',
                                          [('q3', 's'), ('u4', '1'), ('q1', '3')], mode='second'))
    res = sup.get('/resolve')
    rid = srv.sql("SELECT id FROM response WHERE serial = '103'")
    qid = srv.sql("SELECT question_id FROM entry_difference WHERE response_id = %s" % rid)
    fields = [('csrf', res.field('csrf')), ('response', rid), ('question', qid),
              ('choice', 'correction')]
    r = sup.post('/resolve', fields + [('correction', '9')])
    check(r.status == 200 and 'There is a problem' in r.body and
          srv.sql("SELECT count(*) FROM entry_resolution WHERE response_id = %s" % rid) == '0',
          'a correction that is not an option is refused, nothing settled')
    r = sup.post('/resolve', fields + [('correction', '2')])
    check(r.status == 303 and srv.sql(
        "SELECT choice || '|' || resolved_by FROM entry_resolution WHERE response_id = %s" % rid)
          == 'correction|Ann Super', 'a correction settles the difference')
    r = c.post('/resolve', fields + [('correction', '2')])
    check(r.status == 403, 'an officer cannot post a correction either')

    # ---- bodies: too big, malformed, wrong type --------------------------------
    n1 = responses()
    check(raw_status(srv.port, c.cookie, 2 * 1024 * 1024) == 413,
          'a body over the limit is refused (413) before it is read')
    check(c.post('/entry', 'csrf=%s&q3=%%zz' % csrf).status == 400,
          'a malformed %-escape is refused (400)')
    check(c.post('/entry', 'csrf=%s&q3=%%ff%%fe' % csrf).status == 400,
          'bytes that are not UTF-8 are refused (400)')
    check(c.post('/entry', 'csrf=%s&novalue' % csrf).status == 400,
          'a field with no value is refused (400)')
    check(c.post('/entry', 'csrf=' + csrf, ctype='text/plain').status == 415,
          'a body that is not a form is refused (415)')
    check(responses() == n1, 'none of those wrote anything')

    # ---- throttling ----------------------------------------------------------
    t = srv.client()
    for _ in range(5):
        r = t.login('Tim Target', 'wrong password!')
        if r.status != 200:
            break
    r = t.login('Tim Target')
    check(r.status == 429 and t.get('/').status == 303,
          'after 5 wrong passwords even the right one is refused (429)')
    check(srv.client().login('Jo Bloggs').status == 303,
          'another account from the same address can still log in')

    # ---- expiry and disabled accounts -----------------------------------------
    idle = srv.client()
    idle.login('Sam Smith')
    check(idle.get('/').status == 200, 'a fresh session works')
    srv.sql("UPDATE web_session SET last_seen = last_seen - 1900 WHERE account_id = "
            "(SELECT id FROM account WHERE name = 'Sam Smith')")
    check(idle.get('/').status == 303, 'a session unused for over 30 minutes has ended')
    idle.login('Sam Smith')
    srv.sql("UPDATE web_session SET expires_at = 1 WHERE account_id = "
            "(SELECT id FROM account WHERE name = 'Sam Smith')")
    check(idle.get('/').status == 303, 'a session past its absolute limit has ended')
    idle.login('Sam Smith')
    r = subprocess.run([WEB, 'user', 'disable', srv.db, 'Sam Smith'], capture_output=True,
                       text=True)
    check(r.returncode == 0 and idle.get('/').status == 303,
          'disabling an account ends its sessions')
    check(srv.client().login('Sam Smith').status == 200, 'a disabled account cannot log in')

    # ---- logout, audit -------------------------------------------------------
    home = c.get('/')
    cookie = c.cookie
    r = c.post('/logout', [('csrf', home.field('csrf'))])
    check(r.status == 303 and c.cookie is None, 'logging out clears the cookie')
    c.cookie = cookie
    check(c.get('/').status == 303, 'the session ends at logout')
    actions = srv.sql("SELECT group_concat(DISTINCT action) FROM audit")
    for a in ['login', 'login-refused', 'login-throttled', 'save', 'second-entry', 'resolve',
              'logout', 'account-added']:
        check(a in actions.split(','), f'the audit records {a}')
    check(srv.sql("SELECT count(*) FROM audit WHERE object LIKE '%script%' OR "
                  "account LIKE '%script%'") == '0', 'the audit holds no answer content')
    # ---- throttling by address (last: it shuts this address out) ------------
    t = srv.client()
    for i in range(20):
        t.login(f'Nobody {i}', 'wrong password!')
    r = t.login('Al Admin')
    check(r.status == 429, 'after 20 wrong logins from one address, it is refused (429)')

    # ---- TLS: the cookie is Secure ------------------------------------------
    rc, err = srv.stop()
    check(rc == 0 and 'Sanitizer' not in err, 'the server stops cleanly on SIGTERM' +
          ('' if 'Sanitizer' not in err else ':\n' + err))
    if shutil.which('openssl'):
        cert, key = os.path.join(srv.tmp, 'cert.pem'), os.path.join(srv.tmp, 'key.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                        '-subj', '/CN=127.0.0.1', '-keyout', key, '-out', cert],
                       check=True, capture_output=True)
        r = subprocess.run([WEB, 'serve', srv.db, '--listen', '0.0.0.0:0', '--tls-cert', cert],
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 2, '--tls-cert without --tls-key is refused (exit 2)')
        srv.start('--tls-cert', cert, '--tls-key', key)
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection('127.0.0.1', srv.port, timeout=60, context=ctx)
        conn.request('GET', '/login')
        resp = conn.getresponse()
        resp.read()
        sc = resp.getheader('Set-Cookie') or ''
        check(resp.status == 200 and '; Secure' in sc and 'HttpOnly' in sc and
              resp.getheader('Strict-Transport-Security'),
              'under TLS the cookie is Secure, and HSTS is sent')
        conn.close()
    else:
        print('SKIP the TLS check: no openssl to make a certificate')
finally:
    rc, err = srv.stop()
    check(rc == 0, 'the server stops cleanly on SIGTERM')
    check('Sanitizer' not in err and 'runtime error' not in err,
          'no sanitizer report from the server' + ('' if 'Sanitizer' not in err else ':\n' + err))
    srv.cleanup()
finish()
