#!/usr/bin/env bash
# End-to-end: analyser report --you-said-we-did over the bundled samples.
# The page is written, private, reproducible; every number in it equals the
# published one from `analyser counts --format csv`; no quote carries the
# personal data planted in the samples; actions show under their theme;
# database text is escaped; bad command lines fail cleanly; and the page
# passes axe-core (WCAG 2.2 AA) in headless Chromium.
# usage: report.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
# TALLY_REQUIRE_A11Y=1 (set by CI) makes a missing browser or node_modules a
# failure instead of a skip.
set -u
COLLECTOR=$(realpath "$1")
ANALYSER=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
A11Y=$(cd "$(dirname "$0")/../a11y" && pwd)
cd "$TALLY_SAMPLES/.."
ROOT=$(pwd)
DB=$TMP/demo/survey.db
OUT=$TMP/out
mkdir -p "$OUT"

run tools/demo.sh "$COLLECTOR" "$ANALYSER" "$TMP/demo"
expect_rc "the sample database is built" 0
# The demo records actions of its own; this test sets out its own.
for id in $(sqlite3 "$DB" "SELECT id FROM action"); do
	"$ANALYSER" action remove "$DB" "$id" >/dev/null
done
expect_eq "no actions to start with" "$(sqlite3 "$DB" "SELECT count(*) FROM action")" 0

run "$ANALYSER" action add "$DB" --theme URGENT --owner "Urgent care team" --date 2019-11-01 \
	--text 'Opened a second "see & treat" area at <Royal Stoke> A&E for minor injuries.'
expect_rc "action on a top theme" 0
run "$ANALYSER" action add "$DB" --theme staff-shortage --date 2020-01-15 \
	--text "Recruited 40 more nurses across the county's community hospitals."
expect_rc "action on a sub-theme" 0
run "$ANALYSER" action add "$DB" --theme MATERNITY --owner "Maternity services" \
	--text "Kept the Samuel Johnson birth centre open at weekends."
expect_rc "action on a theme outside the top six" 0

# --- the page --------------------------------------------------------------
R=$OUT/you-said-we-did.html
run "$ANALYSER" report "$DB" --you-said-we-did "$R"
expect_rc "report" 0
expect_out "report" "wrote $R"
expect_eq "the page is readable only by its owner" "$(stat -c %a "$R" 2>/dev/null)" 600
expect_eq "no temporary file is left" "$(ls "$OUT" | grep -c tmp)" 0
run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/again.html"
if cmp -s "$R" "$OUT/again.html"; then ok "a second run gives the same bytes"; else fail "a second run differs" "$(diff "$R" "$OUT/again.html" | head -5)"; fi
SOURCE_DATE_EPOCH=1575158400 run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/stamped.html" --stamp
expect_rc "report --stamp" 0
d=$(diff "$R" "$OUT/stamped.html")
case "$d" in *'> <p class="stamp">Produced on 1 December 2019.</p>') ok "the stamp says the date" ;; *) fail "the stamp" "$d" ;; esac
expect_eq "--stamp differs by one line" "$(diff "$R" "$OUT/stamped.html" | grep -c '^[<>]')" 1
if grep -qi 'http' "$R"; then fail "the page names no URL" "$(grep -io '.\{30\}http.\{30\}' "$R" | head -3)"; else ok "the page names no URL at all"; fi
if grep -qi '<script\|<link\|<img\|<iframe\|@import\|url(' "$R"; then fail "the page loads nothing" "$(grep -io '<script\|<link\|<img\|<iframe\|@import\|url(' "$R" | head -3)"; else ok "no scripts and nothing loaded from elsewhere"; fi

for by in district channel polarity; do
	"$ANALYSER" counts "$DB" --by $by --format csv >"$OUT/counts-$by.csv" 2>/dev/null
done
"$ANALYSER" counts "$DB" --format csv --no-suppress >"$OUT/exact.csv" 2>/dev/null

# The page checked with Python's html.parser: structure, numbers, quotes, actions.
# Prints "ok WHAT" or "FAIL WHAT: why", one per line.
check_page() { # MODE FILE [COUNTS-SUFFIX]
python3 - "$1" "$2" "$OUT" "$ROOT" "${3:-}" <<'PY'
import csv, html.parser, re, sys
mode, path, out, root, suffix = sys.argv[1:6]
raw = open(path, 'rb').read()
res = []
def ok(what): res.append('ok ' + what)
def fail(what, why): res.append('FAIL %s: %s' % (what, why))
def check(what, cond, why=''):
    ok(what) if cond else fail(what, why)

try:
    text = raw.decode('utf-8')
    ok('the page is valid UTF-8')
except UnicodeDecodeError as e:
    fail('the page is valid UTF-8', str(e)); text = raw.decode('utf-8', 'replace')

VOID = {'meta', 'br', 'hr', 'img', 'input', 'link', 'rect', 'col', 'wbr'}
class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.kids = tag, dict(attrs), parent, []
    def text(self):
        return ''.join(k if isinstance(k, str) else k.text() for k in self.kids)
    def walk(self):
        for k in self.kids:
            if isinstance(k, Node):
                yield k
                yield from k.walk()
    def find(self, tag=None, **want):
        for n in self.walk():
            if (tag is None or n.tag == tag) and all(n.attrs.get(a.replace('_', '-')) == v for a, v in want.items()):
                yield n
    def has_class(self, c):
        return c in (self.attrs.get('class') or '').split()

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node('#doc', [], None); self.errors = []; self.decl = None
    def handle_decl(self, d): self.decl = d
    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur); self.cur.kids.append(n)
        if tag not in VOID: self.cur = n
    def handle_startendtag(self, tag, attrs):
        self.cur.kids.append(Node(tag, attrs, self.cur))
    def handle_endtag(self, tag):
        if tag in VOID: return
        if self.cur.tag != tag:
            self.errors.append('</%s> closes <%s> at line %d' % (tag, self.cur.tag, self.getpos()[0])); return
        self.cur = self.cur.parent
    def handle_data(self, d): self.cur.kids.append(d)
p = P(); p.feed(text); p.close()
doc = p.root
if p.cur is not doc: p.errors.append('<%s> never closed' % p.cur.tag)
check('the page parses, every element closed', not p.errors and p.decl == 'DOCTYPE html', '; '.join(p.errors[:3]) or str(p.decl))

def num(s):
    s = s.strip()
    if s == '*': return '*'
    if s == '-': return ''
    return s.replace(',', '').rstrip('%')

def load(name):
    with open('%s/counts-%s%s.csv' % (out, name, suffix), newline='') as f:
        return {(r['theme'], r[name]): r for r in csv.DictReader(f)}

if mode == 'sample':
    html_el = next(doc.find('html'))
    check('lang is set', html_el.attrs.get('lang', '').startswith('en'), html_el.attrs)
    check('a viewport for phones', any(m.attrs.get('name') == 'viewport' for m in doc.find('meta')))
    levels = [int(n.tag[1]) for n in doc.walk() if re.fullmatch(r'h[1-6]', n.tag)]
    check('one h1, first', levels.count(1) == 1 and levels[0] == 1, levels[:5])
    jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    check('headings in order', not jumps, jumps)
    ids = [n.attrs['id'] for n in doc.walk() if 'id' in n.attrs]
    check('ids unique', len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)[:3])
    refs = [r for n in doc.walk() for r in (n.attrs.get('aria-labelledby') or '').split()]
    refs += [n.attrs['href'][1:] for n in doc.find('a') if n.attrs.get('href', '').startswith('#')]
    check('every reference names an id', refs and all(r in ids for r in refs), [r for r in refs if r not in ids][:3])
    for lm in ('header', 'main', 'footer', 'nav'):
        check('landmark <%s>' % lm, len(list(doc.find(lm))) == 1)
    check('a skip link comes first', next(doc.find('a')).attrs.get('href') == '#main')
    tables = list(doc.find('table'))
    check('every table has a caption and scoped headers', tables and all(
        list(t.find('caption')) and all(th.attrs.get('scope') in ('col', 'row') for th in t.find('th'))
        for t in tables))
    check('tables scroll inside a labelled, focusable region', all(
        t.parent.attrs.get('role') == 'region' and t.parent.attrs.get('tabindex') == '0'
        and t.parent.attrs.get('aria-labelledby') for t in tables))
    svgs = list(doc.find('svg'))
    check('every chart is an image with a title and a description', svgs and all(
        s.attrs.get('role') == 'img' and list(s.find('title')) and list(s.find('desc')) for s in svgs))

    # Every number on the page equals the published one.
    dist, chan, pol = load('district'), load('channel'), load('polarity')
    compared, wrong = 0, []
    def same(where, got, want):
        global compared
        compared += 1
        if num(got) != want: wrong.append('%s: page %r, counts %r' % (where, got, want))
    sections = {s.attrs['data-theme']: s for s in doc.find('section') if s.attrs.get('data-theme')}
    check('six top themes', len(sections) == 6, list(sections))
    for t in doc.find('table'):
        by = t.attrs.get('data-by')
        for tr in t.find('tr'):
            code = tr.attrs.get('data-code')
            if not code: continue
            tds = [td.text() for td in tr.find('td')]
            theme = tr.attrs.get('data-theme')
            rows = dist if by == 'district' else chan
            if theme:
                r = rows[(theme, code)]
                same('%s %s raised' % (theme, code), tds[0], r['respondents_mentioning'])
                same('%s %s took part' % (theme, code), tds[1], r['respondents'])
                same('%s %s share' % (theme, code), tds[2], r['percent'])
            else:
                same('took part by %s %s' % (by, code), tds[0], rows[('(any)', code)]['respondents'])
    for theme, s in sections.items():
        lead = next(n for n in s.find('p') if n.has_class('lead')).text()
        m = re.search(r'([\d,]+) (people|person) raised this', lead)
        got = m.group(1) if m else '*' if 'raised this is not shown' in lead else lead
        same('%s lead' % theme, got, dist[(theme, '(all)')]['respondents_mentioning'])
        for li in s.find('li'):
            sub = li.attrs.get('data-theme')
            if sub and li.parent.has_class('subthemes'):
                m = re.search(r': (?:about )?([\d,]+) (?:people|person)$', li.text())
                got = m.group(1) if m else '*' if li.text().endswith(': number not shown') else li.text()
                same('%s sub-theme' % sub, got, dist[(sub, '(all)')]['respondents_mentioning'])
        for span in s.find('span'):
            k = span.attrs.get('data-polarity')
            if k:
                m = re.search(r'([\d,]+) said', span.text())
                same('%s %s' % (theme, k), m.group(1) if m else '*', pol[(theme, k)]['respondents_mentioning'])
        desc = next(s.find('desc')).text()
        for tr in s.find('tr'):
            code = tr.attrs.get('data-code')
            if code and code != '(all)':
                label = next(tr.find('th')).text()
                v = dist[(theme, code)]['respondents_mentioning']
                check('%s chart says %s: %s' % (theme, label, v),
                      ('%s: %s' % (label, v if v != '*' else 'not shown')) in desc, desc)
        bars = [n for n in s.find('rect') if n.has_class('bar')]
        shown = [tr for tr in s.find('tr') if tr.attrs.get('data-code') not in (None, '(all)')]
        hidden = sum(1 for tr in shown if next(tr.find('td')).text() == '*')
        zero = sum(1 for tr in shown if next(tr.find('td')).text() == '0')
        check('%s: one bar per shown, non-zero count' % theme, len(bars) == len(shown) - hidden - zero,
              '%d bars, %d rows' % (len(bars), len(shown)))
    hidden = sum(1 for r in dist.values() if r['respondents_mentioning'] == '*')
    check('every number equals analyser counts --format csv%s (%d compared, %d hidden in the counts)'
          % (suffix, compared, hidden), compared > 150 and not wrong,
          '; '.join(wrong[:5]) or '%d compared' % compared)

    # A quote never names, nor comes only from, a cell the page hides: its
    # district (outside the area and unknown included) and the kind of
    # question its caption names must both be shown for its theme.
    bad, nq = [], 0
    for theme, s in sections.items():
        codes = {next(tr.find('th')).text(): tr.attrs['data-code'] for tr in s.find('tr')
                 if tr.attrs.get('data-code') and list(tr.find('th'))}
        for fig in s.find('figure'):
            cap = next(fig.find('figcaption')).text()
            nq += 1
            m = re.match(r'Someone (?:in (.*?)|from outside the area|who took part)(, asked what (works well|could be better))?$', cap)
            if not m:
                bad.append('%s: caption %r' % (theme, cap)); continue
            place = codes.get(m.group(1)) if m.group(1) else '(outside)' if 'outside' in cap else '(unknown)'
            if (theme, place) in dist and dist[(theme, place)]['respondents_mentioning'] == '*':
                bad.append('%s: %r, but %s is hidden' % (theme, cap, place))
            if m.group(1) and place is None:
                bad.append('%s: %r names a district the table does not show' % (theme, cap))
            kind = {'works well': 'works-well', 'could be better': 'could-be-better'}.get(m.group(3))
            if kind and pol[(theme, kind)]['respondents_mentioning'] == '*':
                bad.append('%s: %r, but %s is hidden' % (theme, cap, kind))
    check('no quote is captioned with or drawn from a hidden cell (%d quotes)' % nq, nq and not bad, bad[:3])

    # Top themes: the level-1 themes with the most people, in that order.
    top = sorted(((-int(r['respondents_mentioning']), i, r['theme']) for i, r in enumerate(dist.values())
                  if r['level'] == '1' and r['district'] == '(all)' and r['respondents_mentioning'] != '*'))
    check('the top themes are the six most raised', list(sections) == [t for _, _, t in top[:6]],
          (list(sections), [t for _, _, t in top[:6]]))

    # Actions under their themes; escaped text comes back as it was typed.
    def actions(sec):
        return [(li.attrs.get('data-theme'), li.text()) for li in sec.find('li')
                if li.parent.has_class('actions')]
    a = actions(sections['URGENT'])
    check('the action on URGENT is under it', len(a) == 1 and a[0][0] == 'URGENT' and
          'Opened a second "see & treat" area at <Royal Stoke> A&E for minor injuries.' in a[0][1]
          and 'Who: Urgent care team. When: 1 November 2019.' in a[0][1], a)
    a = actions(sections['STAFF'])
    check('the action on a sub-theme is under its top theme, named', len(a) == 1 and
          a[0][0] == 'STAFF-SHORTAGE' and a[0][1].startswith('Staff shortages and pressure') and
          'Recruited 40 more nurses' in a[0][1] and 'When: 15 January 2020.' in a[0][1], a)
    other = [s for s in doc.find('section') if s.has_class('other')]
    a = actions(other[0]) if other else []
    check('an action outside the top themes is under "Other things we did"', len(a) == 1 and
          a[0][0] == 'MATERNITY' and 'Kept the Samuel Johnson birth centre open' in a[0][1], a)
    none = [t for t, s in sections.items() if 'We will report what we did about this.' in s.text()]
    check('themes with no action say so', sorted(none) == sorted(set(sections) - {'URGENT', 'STAFF'}), none)

# Quotes: redacted, 60 to 300 characters, no planted personal data.
sys.path.insert(0, root + '/tools')
import make_samples as ms
pii = [
    ('e-mail', re.compile(r'[\w.+-]+@[\w-]+\.[\w.-]+')),
    ('phone', re.compile(r'07700\s?900|\+?44\s?7700|\(?01632\)?\s?960|0121\s?496\s?0|020\s?7946\s?0')),
    ('NHS number', re.compile(r'(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)')),
    ('postcode', re.compile(r'\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b', re.I)),
    ('introduced name', re.compile(r'\b(?i:my name is|I am (?:Mrs|Mr|Ms|Miss)|Dr|Nurse|Sister)\s+(?!\[name\])[A-Z]')),
]
pii.append(('street address', re.compile(r'\d+ (%s)' % '|'.join(map(re.escape, ms.STREETS)), re.I)))
names = [f.lower() + ' ' + l.lower() for f in ms.FIRST for l in ms.LAST]
quotes = {}
for s in doc.find('section'):
    if s.attrs.get('data-theme'):
        quotes[s.attrs['data-theme']] = [b.text().strip('\u201c\u201d') for b in s.find('blockquote')]
allq = [q for qs in quotes.values() for q in qs]
found = [(what, q) for q in allq for what, rx in pii if rx.search(q)]
found += [('name', q) for q in allq for n in names if n in q.lower()]
check('no quote holds planted personal data (%d quotes)' % len(allq), allq and not found, found[:3])
check('quotes are 60 to 300 characters', all(60 <= len(q) <= 300 for q in allq),
      [len(q) for q in allq if not 60 <= len(q) <= 300])
# A quote is never drawn from a hidden district, so a theme whose every
# district is hidden (--threshold 60 hides all of ACCESS's) has none, and its
# page says so; the others have two or three.
def quotable(theme):
    if mode != 'sample':  # no counts to compare with: every district shown
        return True
    return any(r['respondents_mentioning'] not in ('*', '0')
               for (t, code), r in dist.items() if t == theme and code != '(all)')
check('two or three quotes per theme with a district shown, never the same twice', all(
    (2 <= len(qs) <= 3 if quotable(t) else not qs) and len(set(qs)) == len(qs) for t, qs in quotes.items()),
    {t: len(q) for t, q in quotes.items()})
for t, qs in quotes.items():
    if not quotable(t):
        check('%s: every district hidden, so no quote, and the page says so' % t,
              not qs and 'We have no short quotes to show for this theme.' in sections[t].text(), t)
if mode == 'planted':
    tags = ('[email]', '[phone]', '[NHS number]', '[postcode]')
    check('every quote had its planted data replaced', allq and all(any(t in q for t in tags) for q in allq),
          [q for q in allq if not any(t in q for t in tags)][:2])
if mode == 'hostile':
    check('database text is escaped', '<script>' not in text and '&lt;script&gt;alert(1)&lt;/script&gt;' in text)
    h1 = next(doc.find('h1')).text()
    check('the title comes back as typed', h1 == 'Listening <script>alert(1)</script> & "more"', h1)
    check('invalid UTF-8 becomes U+FFFD', 'Bad bytes \ufffd\ufffd here.' in text)
    check('control characters are dropped', '\x07' not in text and '\x1b' not in text)
print('\n'.join(res))
PY
}

report_checks() { # MODE FILE [COUNTS-SUFFIX]
	local status what
	while IFS= read -r line; do
		status=${line%% *}
		what=${line#* }
		if [ "$status" = ok ]; then ok "$what"; else fail "$what"; fi
	done < <(check_page "$1" "$2" "${3:-}" 2>&1 || echo "FAIL the page checker itself failed")
}
report_checks sample "$R"

# The same with a high threshold, so that many cells are hidden (the samples
# have no small numbers): hidden cells, secondary suppression and charts
# without their bars, still equal to what counts publishes.
run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/hidden.html" --threshold 60
expect_rc "report --threshold 60" 0
for by in district channel polarity; do
	"$ANALYSER" counts "$DB" --by $by --format csv --threshold 60 >"$OUT/counts-$by-60.csv" 2>/dev/null
done
report_checks sample "$OUT/hidden.html" -60
expect_eq "hidden cells are marked" "$(grep -c '<td>\*</td>' "$OUT/hidden.html" | sed 's/^[1-9][0-9]*$/some/')" some

# --- quotes with planted personal data ---------------------------------------
# Every tagged answer gets an e-mail address, a phone number, an NHS number
# and a postcode, so every quote on the page must have been redacted.
P=$TMP/planted.db
cp "$DB" "$P"
nhs=$(python3 -c "
import sys; sys.path.insert(0, 'tools'); import make_samples as m, random
print(m.nhs_number(random.Random(7)))")
sqlite3 "$P" "UPDATE answer SET value = value || ' Ring 07700 900123 or email jo.salt@example.com, NHS no. $nhs, ST5 0BG.' WHERE id IN (SELECT answer_id FROM tag)"
run "$ANALYSER" report "$P" --you-said-we-did "$OUT/planted.html"
expect_rc "report with planted data" 0
report_checks planted "$OUT/planted.html"

# --- hostile database text -----------------------------------------------------
H=$TMP/hostile.db
cp "$DB" "$H"
sqlite3 "$H" "UPDATE exercise SET title = 'Listening <script>alert(1)</script> & \"more\"', organisation = 'Org' || char(7) || char(27) || ' name'; INSERT INTO action (exercise_id, theme_code, text, recorded_at) VALUES (1, 'URGENT', CAST(X'42616420627974657320FFFE20686572652E' AS TEXT), '2019-01-01T00:00:00Z')"
run "$ANALYSER" report "$H" --you-said-we-did "$OUT/hostile.html"
expect_rc "report from hostile text" 0
report_checks hostile "$OUT/hostile.html"

# --- bad command lines and databases -------------------------------------------
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/no-such-dir/r.html"
expect_rc "unwritable path" 3
expect_err "unwritable path" "cannot create $TMP/no-such-dir/r.html"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$ANALYSER" report "$DB" --you-said-we-did "$TMP/ro/r.html"
	[ "$rc" -ne 0 ] && [ ! -e "$TMP/ro/r.html" ] && ok "read-only folder: refused, nothing written" || fail "read-only folder" "rc $rc"
fi
run "$ANALYSER" report "$DB" --you-said-we-did "$R" --top 0
expect_rc "--top 0" 2
expect_err "--top 0" "--top takes a whole number from 1 to 100, not '0'"
run "$ANALYSER" report "$DB" --you-said-we-did "$R" --top six
expect_rc "--top six" 2
run "$ANALYSER" report "$DB"
expect_rc "no --you-said-we-did" 2
expect_err "no --you-said-we-did" "report needs --you-said-we-did OUT.html"
run "$ANALYSER" report "$DB" --you-said-we-did "$R" --colour
expect_rc "unknown option" 2
run "$ANALYSER" report "$TMP/missing.db" --you-said-we-did "$R"
expect_rc "missing database" 2
E=$TMP/untagged.db
"$COLLECTOR" init "$E" samples/exercise-2019.xml >/dev/null
run "$ANALYSER" report "$E" --you-said-we-did "$OUT/untagged.html"
expect_rc "nothing tagged" 2
expect_err "nothing tagged" "nothing is tagged yet"
expect_eq "nothing tagged: no file" "$(ls "$OUT" | grep -c untagged)" 0
run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/top2.html" --top 2
expect_eq "--top 2 shows two themes" "$(grep -c '<section class="theme"' "$OUT/top2.html")" 2
run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/dhsc.html" --threshold 10
expect_rc "--threshold 10" 0
case "$(cat "$OUT/dhsc.html")" in *"we do not show numbers from 1 to 9"*) ok "--threshold 10 is explained on the page" ;; *) fail "--threshold 10 not explained" ;; esac
for t in 0 1; do
	run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/t$t.html" --threshold $t --rounding 1
	expect_rc "report --threshold $t --rounding 1 refused" 2
	expect_err "report --threshold $t" "--threshold $t hides no count, so the report would publish counts as they are"
	[ ! -e "$OUT/t$t.html" ] && ok "report --threshold $t: no page" || fail "report --threshold $t wrote a page"
done
run "$ANALYSER" report "$DB" --you-said-we-did "$OUT/raw.html" --no-suppress
expect_rc "report --no-suppress" 0
expect_err "report --no-suppress warns" "do not publish this"
run "$ANALYSER" report --help
expect_out "report --help" "usage: analyser report DB --you-said-we-did OUT.html"

# --- accessibility: axe-core in headless Chromium ------------------------------
if command -v node >/dev/null && [ -x /usr/bin/chromium ] && [ -d "$A11Y/node_modules/@axe-core/playwright" ]; then
	run node "$A11Y/axe.mjs" "$R" "$OUT/hidden.html" "$OUT/hostile.html"
	if [ "$rc" -eq 0 ]; then ok "axe-core: no WCAG 2.2 A/AA violations at 1280 and 320 pixels"; else fail "axe-core found violations" "$out" "$err"; fi
	# The check itself must be able to fail: a page with no language and grey text.
	sed -e 's/ lang="en-GB"//' -e 's/color:#212b32;font-family/color:#b0b0b0;font-family/' "$R" >"$OUT/broken.html"
	run node "$A11Y/axe.mjs" "$OUT/broken.html"
	case "$rc:$out" in 1:*html-has-lang*color-contrast*|1:*color-contrast*html-has-lang*) ok "axe-core catches a broken page" ;; *) fail "axe-core missed a broken page" "rc $rc" "$out" ;; esac
elif [ "${TALLY_REQUIRE_A11Y:-}" = 1 ]; then
	fail "accessibility test cannot run: it needs node, /usr/bin/chromium (apt-get install chromium) and $A11Y/node_modules (npm ci in tests/a11y)"
else
	printf 'SKIP accessibility test: needs node, /usr/bin/chromium and tests/a11y/node_modules (npm ci there)\n'
fi
finish
