#!/usr/bin/env python3
"""The web service's benchmark (not a test): forms saved per second and the
p50/p99 latency of a save, with 20 clients on loopback posting N forms to
tally-web, against the same N forms written by `collector enter --from` in
the same run, on a copy of the same database. Prints the figures, the
targets (>= 1,000 forms/s, p99 < 50 ms on 2 cores) and the ratio.

The loader is Python's standard library: each client keeps one connection
open and logs in once; a form is one POST /entry (action=save) with its own
page token, as a browser sends it after the review page. The clients share
one interpreter, so on a small machine the loader itself takes CPU the
server would otherwise have: the figures are a floor, not a ceiling.

usage: bench/web.py TALLY_WEB COLLECTOR [N] [--figures FILE]
  N forms, default 5000; --figures writes "forms/s p50_ms p99_ms enter_forms/s"
  on one line to FILE, for bench/run.
"""
import http.client
import os
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ARGS = sys.argv[1:]
FIGURES = None
if '--figures' in ARGS:
    i = ARGS.index('--figures')
    FIGURES = ARGS[i + 1]
    del ARGS[i:i + 2]
WEB, COLLECTOR = ARGS[0], ARGS[1]
N = int(ARGS[2]) if len(ARGS) > 2 else 5000
CLIENTS = 20
EVENT = 'LE-HAN-1'
PASSWORD = 'correct horse battery'
HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.environ.get('TALLY_SAMPLES', os.path.join(HERE, '..', 'samples'))
TEXT = 'The staff were kind and the wait was short'


def sql(db, q):
    return subprocess.run(['sqlite3', db, q], check=True, capture_output=True,
                          text=True).stdout.strip()


def request(conn, method, path, cookie=None, body=None):
    headers = {}
    if cookie:
        headers['Cookie'] = 'tally_session=' + cookie
    if body is not None:
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read().decode('utf-8', 'replace')
    sc = r.getheader('Set-Cookie') or ''
    m = re.match(r'tally_session=([^;]+)', sc)
    return r.status, data, (m.group(1) if m else cookie)


def field(body, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, body)
    return m.group(1) if m else None


def cpu(who):
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def web_run(db, n):
    server0 = cpu(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen([WEB, 'serve', db, '--listen', '127.0.0.1:0'],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(re.search(r':(\d+)/ ', proc.stdout.readline()).group(1))
    lat, bad = [], []
    lock = threading.Lock()
    ready = threading.Barrier(CLIENTS + 1)

    def client(c):
        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
        _, page, cookie = request(conn, 'GET', '/login')
        _, _, cookie = request(conn, 'POST', '/login', cookie, urllib.parse.urlencode(
            [('csrf', field(page, 'csrf')), ('name', f'Officer {c % 4}'),
             ('password', PASSWORD)]))
        _, page, cookie = request(conn, 'GET', f'/entry?event={EVENT}&form=standard&mode=first',
                                  cookie)
        csrf = field(page, 'csrf')
        mine = []
        ready.wait()
        for k in range(c, n, CLIENTS):
            body = urllib.parse.urlencode(
                [('csrf', csrf), ('token', secrets.token_hex(32)), ('event', EVENT),
                 ('form', 'standard'), ('mode', 'first'), ('serial', f'W{k}'), ('q1', '1'),
                 ('q3', TEXT), ('q20', '7'), ('action', 'save')])
            t0 = time.perf_counter()
            status, _, _ = request(conn, 'POST', '/entry', cookie, body)
            mine.append(time.perf_counter() - t0)
            if status != 303:
                with lock:
                    bad.append(status)
        conn.close()
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    ready.wait()
    t0, loader0 = time.perf_counter(), cpu(resource.RUSAGE_SELF)
    for t in threads:
        t.join()
    elapsed, loader = time.perf_counter() - t0, cpu(resource.RUSAGE_SELF) - loader0
    proc.terminate()
    proc.wait()
    # The server's CPU includes the 20 logins (Argon2id), before the clock starts.
    return elapsed, sorted(lat), bad, cpu(resource.RUSAGE_CHILDREN) - server0, loader


def enter_run(db, n, tmp):
    codes = dict(line.split('|') for line in sql(db, (
        "SELECT q.position, q.code FROM question q JOIN questionnaire n ON "
        "n.id = q.questionnaire_id WHERE n.variant = 'standard' AND q.position IN (1, 3, 20)"
    )).splitlines())
    csv = os.path.join(tmp, 'forms.csv')
    with open(csv, 'w') as fh:
        fh.write(f'serial,{codes["1"]},{codes["3"]},{codes["20"]}\n')
        for k in range(n):
            fh.write(f'E{k},1,{TEXT},7\n')
    t0 = time.perf_counter()
    subprocess.run([COLLECTOR, 'enter', db, '--event', EVENT, '--officer', 'Officer 0',
                    '--from', csv], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main():
    tmp = tempfile.mkdtemp(prefix='tally-bench-web-')
    try:
        base = os.path.join(tmp, 'base.db')
        subprocess.run([COLLECTOR, 'init', base, os.path.join(SAMPLES, 'exercise-2019.xml')],
                       check=True, stdout=subprocess.DEVNULL)
        for i in range(4):
            subprocess.run([WEB, 'user', 'add', base, f'Officer {i}', '--role', 'officer',
                            '--password-stdin'], input=PASSWORD + '\n', text=True, check=True,
                           stdout=subprocess.DEVNULL)
        web_db, cli_db = os.path.join(tmp, 'web.db'), os.path.join(tmp, 'cli.db')
        shutil.copy(base, web_db)
        shutil.copy(base, cli_db)

        elapsed, lat, bad, server_cpu, loader_cpu = web_run(web_db, N)
        stored = int(sql(web_db, "SELECT count(*) FROM response WHERE serial LIKE 'W%'"))
        t_cli = enter_run(cli_db, N, tmp)
        stored_cli = int(sql(cli_db, "SELECT count(*) FROM response WHERE serial LIKE 'E%'"))

        rate, rate_cli = N / elapsed, N / t_cli
        p50 = statistics.median(lat) * 1000
        p99 = lat[max(0, int(len(lat) * 0.99) - 1)] * 1000
        print(f'tally-web, {CLIENTS} clients on loopback: {N} forms in {elapsed:.2f} s = '
              f'{rate:.0f} forms/s (target >= 1000); p50 {p50:.1f} ms, p99 {p99:.1f} ms '
              f'(target < 50 ms); {stored} stored, {len(bad)} refused')
        print(f'collector enter --from, the same {N} forms in one file: {t_cli:.2f} s = '
              f'{rate_cli:.0f} forms/s; {stored_cli} stored')
        print(f'ratio web / enter --from: {rate / rate_cli:.2f}')
        print(f'CPU: the server {server_cpu:.2f} s (with 20 logins), the loader {loader_cpu:.2f} s '
              f'while timed')
        print(f'cores: {os.cpu_count()}; load average at the end: '
              f'{" ".join(f"{x:.1f}" for x in os.getloadavg())}')
        if FIGURES:
            with open(FIGURES, 'w') as fh:
                fh.write(f'{rate:.1f} {p50:.2f} {p99:.2f} {rate_cli:.1f}\n')
        return 0 if stored == N and not bad and stored_cli == N else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
