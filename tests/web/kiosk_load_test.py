#!/usr/bin/env python3
"""The kiosk under load, and killed: 20 kiosks (browsers with no login)
send forms through one link at once; the server is killed (-9) once some
have been answered. Every form answered with the redirect to the next form
is in the database, once, on the kiosk channel; nothing was stored that was
not sent; PRAGMA integrity_check is ok. Bounded by a count, not timed.

usage: kiosk_load_test.py TALLY_WEB COLLECTOR
"""
import os
import re
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, check, finish  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
CLIENTS = 20
KILL_AFTER = 40  # forms answered before the kill

srv = Server(WEB, COLLECTOR, [('Ann Super', 'supervisor')])
try:
    srv.start()
    sup = srv.client()
    sup.login('Ann Super')
    page = sup.get('/kiosks')
    r = sup.post('/kiosks', [('csrf', page.field('csrf')), ('event', 'LE-HAN-1'),
                             ('form', 'standard'), ('hours', '2'), ('idle', '5'),
                             ('action', 'create')])
    k = re.search(r'/kiosk\?k=([0-9a-f]{64})', r.body).group(1)

    answered, sent, problems = [], [], []
    lock = threading.Lock()
    stop = threading.Event()

    def kiosk(n):
        c = srv.client()
        while not stop.is_set():
            try:
                p = c.get(f'/kiosk?k={k}')
                token = p.field('token')
                with lock:
                    sent.append(token)
                r = c.post('/kiosk', [('csrf', p.field('csrf')), ('k', k), ('token', token),
                                      ('q1', '1'), ('q3', f'kiosk {n} says hello'),
                                      ('q20', '8')])
            except OSError:
                return  # the server was killed
            with lock:
                if r.status == 303 and r.header('Location') == f'/kiosk?k={k}&sent=1':
                    answered.append(token)
                elif r.status != 303:
                    problems.append(f'client {n}: status {r.status}')

    threads = [threading.Thread(target=kiosk, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with lock:
            if len(answered) >= KILL_AFTER:
                break
        time.sleep(0.01)
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait()
    stop.set()
    for t in threads:
        t.join()
    srv.proc = None

    stored = srv.sql("SELECT token FROM kiosk_submission").split()
    serials = set(srv.sql("SELECT serial FROM response WHERE channel = 'kiosk'").split())
    check(len(answered) >= KILL_AFTER, f'{len(answered)} kiosk forms answered before the kill')
    check(not problems, 'no refusals and no 5xx before the kill' +
          ('' if not problems else ': ' + '; '.join(problems[:5])))
    check(all(t in stored for t in answered),
          f'after kill -9 every kiosk form answered is in the database ({len(answered)} '
          f'answered, {len(stored)} stored)')
    check(len(stored) == len(set(stored)) == len(serials) and
          all(f'K1-{t[:16]}' in serials for t in stored),
          'each stored once, with its response on the kiosk channel')
    check(set(stored) <= set(sent), 'nothing stored that was not sent')
    check(srv.sql('PRAGMA integrity_check') == 'ok', 'PRAGMA integrity_check is ok after kill -9')
    check(srv.sql('PRAGMA foreign_key_check') == '', 'no broken references after kill -9')
finally:
    srv.stop()
    srv.cleanup()
finish()
