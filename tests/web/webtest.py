"""Shared by the web tests: a database with accounts, the real server on a
free loopback port, and a client that keeps its session cookie and checks
the security headers of every response."""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# The kiosk's pages (page_kiosk.c) allow their one script file, from the service only.
KIOSK_CSP = CSP.replace("default-src 'none'; ", "default-src 'none'; script-src 'self'; ")
# The report's preview is the published page itself: its inline style sheet and data: logo.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
PASSWORD = 'correct horse battery'
failures = []


def check(ok, what):
    print(('ok   ' if ok else 'FAIL ') + what, flush=True)
    if not ok:
        failures.append(what)


A11Y = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'a11y')


def need_browser(what):
    """Exits unless node, Debian's chromium and tests/a11y/node_modules are
    there: 77 (skipped), or 1 when TALLY_REQUIRE_A11Y=1, as
    tests/e2e/report.sh does. `what` names the test in the message."""
    chromium = os.environ.get('CHROMIUM', '/usr/bin/chromium')
    if (shutil.which('node') and os.access(chromium, os.X_OK) and
            os.path.isdir(os.path.join(A11Y, 'node_modules', '@axe-core', 'playwright'))):
        return
    if os.environ.get('TALLY_REQUIRE_A11Y') == '1':
        print(f'FAIL {what} cannot run: it needs node, /usr/bin/chromium '
              '(apt-get install chromium) and tests/a11y/node_modules (npm ci in tests/a11y)')
        sys.exit(1)
    print(f'SKIP {what}: needs node, /usr/bin/chromium and tests/a11y/node_modules '
          '(npm ci there)')
    sys.exit(77)


def finish():
    if failures:
        print(f'{len(failures)} check(s) failed', flush=True)
        sys.exit(1)
    print('all checks passed', flush=True)


class Server:
    """The real tally-web on 127.0.0.1:0, over a fresh copy of the samples' exercise."""

    def __init__(self, web, collector, accounts, exercise=None):
        """`exercise`: the definition to load, the samples' by default."""
        self.web = web
        self.tmp = tempfile.mkdtemp(prefix='tally-web-')
        self.db = os.path.join(self.tmp, 'survey.db')
        samples = os.environ.get('TALLY_SAMPLES', os.path.join(os.path.dirname(__file__),
                                                               '..', '..', 'samples'))
        subprocess.run([collector, 'init', self.db,
                        exercise or os.path.join(samples, 'exercise-2019.xml')],
                       check=True, stdout=subprocess.DEVNULL)
        for name, role in accounts:
            subprocess.run([web, 'user', 'add', self.db, name, '--role', role,
                            '--password-stdin'], input=PASSWORD + '\n', text=True, check=True,
                           stdout=subprocess.DEVNULL)
        self.proc = None

    def sql(self, query):
        return subprocess.run(['sqlite3', self.db, query], check=True, capture_output=True,
                              text=True).stdout.strip()

    def start(self, *extra, env=None):
        """Starts it; `env` adds variables to its environment (the test hooks)."""
        self.stderr = open(os.path.join(self.tmp, 'server.err'), 'w+')
        self.proc = subprocess.Popen([self.web, 'serve', self.db, '--listen', '127.0.0.1:0',
                                      *extra], stdout=subprocess.PIPE, stderr=self.stderr,
                                     text=True, env={**os.environ, **(env or {})})
        line = self.proc.stdout.readline()
        m = re.search(r':(\d+)/ ', line)
        if not m:
            self.stop()
            raise SystemExit(f'the server did not start: {line!r}')
        self.port = int(m.group(1))
        return self

    def stop(self):
        """Stops it with SIGTERM; returns its exit code and what it wrote on stderr."""
        if not self.proc:
            return 0, ''
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.stderr.seek(0)
        err = self.stderr.read()
        self.stderr.close()
        self.proc = None
        return rc, err

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def client(self):
        return Client(self.port)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def field(self, name):
        """The value of the hidden field `name` in the page."""
        m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), self.body)
        return m.group(1) if m else None


class Client:
    """One browser: its session cookie, and every response's headers checked."""

    def __init__(self, port):
        self.port = port
        self.cookie = None

    def request(self, method, path, body=None, ctype='application/x-www-form-urlencoded',
                headers_ok=True):
        conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        headers = {}
        if self.cookie:
            headers['Cookie'] = 'tally_session=' + self.cookie
        if body is not None:
            headers['Content-Type'] = ctype
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read().decode('utf-8', 'replace'))
        conn.close()
        sc = resp.header('Set-Cookie')
        if sc:
            m = re.match(r'tally_session=([^;]*)', sc)
            self.cookie = m.group(1) if m and m.group(1) else None
        if headers_ok:
            self.check_headers(method, path, resp)
        return resp

    @staticmethod
    def check_headers(method, path, r):
        where = f'{method} {path} ({r.status})'
        policy = (KIOSK_CSP if r.status == 200 and re.match(r'/kiosk(\?|$)', path) else
                  REPORT_CSP if r.status == 200 and path == '/report/preview' else CSP)
        good = (r.header('Content-Security-Policy') == policy and
                r.header('X-Frame-Options') == 'DENY' and
                r.header('X-Content-Type-Options') == 'nosniff' and
                r.header('Referrer-Policy') == 'no-referrer')
        if not good:
            check(False, f'{where}: security headers present')
        if (r.header('Content-Type') or '').startswith('text/html') and \
                r.header('Cache-Control') != 'no-store':
            check(False, f'{where}: Cache-Control no-store on a page')

    def get(self, path):
        return self.request('GET', path)

    def post(self, path, fields, **kw):
        if isinstance(fields, (bytes, str)):
            body = fields
        else:
            body = urllib.parse.urlencode(fields)
        return self.request('POST', path, body=body, **kw)

    def login(self, name, password=PASSWORD):
        page = self.get('/login')
        return self.post('/login', [('csrf', page.field('csrf')), ('name', name),
                                    ('password', password)])


class DemoServer(Server):
    """The server over the demo database (tools/demo.sh): imported, tagged, with actions."""

    def __init__(self, web, collector, analyser, accounts):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
        web, collector, analyser = (os.path.abspath(p) for p in (web, collector, analyser))
        Server.__init__(self, web, collector, [])
        os.remove(self.db)
        subprocess.run([os.path.join(root, 'tools', 'demo.sh'), collector, analyser,
                        os.path.join(self.tmp, 'demo')], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=root)
        self.db = os.path.join(self.tmp, 'demo', 'survey.db')
        for name, role in accounts:
            subprocess.run([web, 'user', 'add', self.db, name, '--role', role,
                            '--password-stdin'], input=PASSWORD + '\n', text=True, check=True,
                           stdout=subprocess.DEVNULL)
