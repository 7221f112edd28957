#!/usr/bin/env python3
"""A bounded load on tally-web: 20 clients posting forms on loopback for a
few seconds, some of them posted twice (a double click). Every form answered
with a redirect is stored exactly once, nothing else is, no 5xx and no
"database is locked" reach a client, and the database passes
PRAGMA integrity_check. Then the same load with the server killed (-9) in
the middle, while a batch of forms is in flight (the writer holds each batch
open a while before its commit, TALLY_WEB_TEST_COMMIT_DELAY_MS): every form
it had answered is still there.

usage: load_test.py TALLY_WEB COLLECTOR [SECONDS]
"""
import os
import signal
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from webtest import Server, check, finish  # noqa: E402

WEB, COLLECTOR = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 4
CLIENTS = 20
OFFICERS = [f'Officer {i}' for i in range(4)]


def run(srv, label, seconds, kill_after=None):
    saved, problems, latencies, in_flight = [], [], [], []
    posting_now = set()  # clients whose form is posted and not yet answered
    lock = threading.Lock()
    stop = threading.Event()
    ready = threading.Barrier(CLIENTS + 1)

    def client(n):
        c = srv.client()
        try:
            c.login(OFFICERS[n % len(OFFICERS)])
        except OSError as e:
            with lock:
                problems.append(f'client {n}: login: {e}')
            ready.abort()
            return
        ready.wait()  # the clock starts when every client has logged in
        k = 0
        posting = None
        while not stop.is_set():
            k += 1
            serial = f'{label}-{n}-{k}'
            try:
                page = c.get('/entry?event=LE-HAN-1&form=standard&mode=first')
                fields = [('csrf', page.field('csrf')), ('token', page.field('token')),
                          ('event', 'LE-HAN-1'), ('form', 'standard'), ('mode', 'first'),
                          ('serial', serial), ('q1', '1'), ('q2', '1'), ('q2', '3'),
                          ('q3', 'The staff were kind'), ('q20', '7'), ('action', 'save')]
                t0 = time.monotonic()
                posting = serial
                with lock:
                    posting_now.add(n)
                r = c.post('/entry', fields)
                posting = None
                with lock:
                    posting_now.discard(n)
                took = time.monotonic() - t0
                # Every fourth form is sent again, as a double click would.
                if k % 4 == 0 and r.status == 303:
                    r2 = c.post('/entry', fields)
                    if r2.status != 303 or r2.header('Location') != r.header('Location'):
                        with lock:
                            problems.append(f'{serial}: the second post gave {r2.status}')
            except OSError:
                if kill_after is not None:
                    # The server was killed: a form posted and not answered was in flight.
                    if posting:
                        with lock:
                            in_flight.append(posting)
                    return
                raise
            with lock:
                latencies.append(took)
                if r.status == 303:
                    saved.append(serial)
                else:
                    problems.append(f'{serial}: status {r.status}')
                if r.status >= 500 or 'locked' in r.body:
                    problems.append(f'{serial}: a server error reached the client')

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.monotonic()
    if kill_after is not None:
        # Killed once some forms have been answered, mid-stream, at a moment
        # when a form is posted and not answered (under load the clients may
        # all be between forms just after a batch is answered).
        while time.monotonic() - start < 30:
            with lock:
                if len(saved) >= kill_after and posting_now:
                    break
            time.sleep(0.01)
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
    else:
        time.sleep(seconds)
    stop.set()
    elapsed = time.monotonic() - start
    for t in threads:
        t.join()
    return saved, problems, latencies, elapsed, in_flight


srv = Server(WEB, COLLECTOR, [(o, 'officer') for o in OFFICERS])
try:
    srv.start()
    saved, problems, lat, elapsed, _ = run(srv, 'L', SECONDS)
    rc, err = srv.stop()
    stored = srv.sql("SELECT serial FROM response WHERE serial LIKE 'L-%'").split()
    lat.sort()
    if lat:
        print(f'{len(saved)} forms by {CLIENTS} clients in {elapsed:.1f} s: '
              f'{len(saved) / elapsed:.0f} forms/s, p50 {statistics.median(lat) * 1000:.0f} ms, '
              f'p99 {lat[int(len(lat) * 0.99) - 1 if len(lat) > 1 else 0] * 1000:.0f} ms '
              '(sanitizer builds are several times slower)', flush=True)
    check(len(saved) > 0, 'forms were saved under load')
    check(not problems, 'no refusals, no 5xx, no "database is locked" under load' +
          ('' if not problems else ': ' + '; '.join(problems[:5])))
    check(sorted(stored) == sorted(saved), f'every form answered is stored once '
          f'({len(saved)} answered, {len(stored)} stored, {len(set(stored))} distinct)')
    check(srv.sql("SELECT count(*) FROM web_submission WHERE serial LIKE 'L-%'") ==
          str(len(saved)), 'one token per form')
    check(srv.sql('PRAGMA integrity_check') == 'ok', 'PRAGMA integrity_check is ok')
    check(rc == 0 and 'Sanitizer' not in err and 'runtime error' not in err,
          'the server stopped cleanly, no sanitizer report' + (':\n' + err if err else ''))

    srv.start(env={'TALLY_WEB_TEST_COMMIT_DELAY_MS': '300'})
    saved, problems, lat, elapsed, in_flight = run(srv, 'K', None, kill_after=10)
    srv.proc = None
    stored = set(srv.sql("SELECT serial FROM response WHERE serial LIKE 'K-%'").split())
    check(len(in_flight) >= 1, f'the kill found forms in flight '
          f'({len(in_flight)} posted and not answered)')
    check(all(s in stored for s in saved),
          f'after kill -9 every form answered is there ({len(saved)} answered, '
          f'{len(stored)} stored)')
    check(srv.sql('PRAGMA integrity_check') == 'ok', 'PRAGMA integrity_check is ok after kill -9')
finally:
    srv.stop()
    srv.cleanup()
finish()
