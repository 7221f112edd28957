#!/usr/bin/env python3
"""An attacker's audit of everything published from one database.

usage: disclosure_audit.py exact|lp|lpN WIDTH FILE...

Reads published counts (`analyser counts --format csv` files, the
Healthwatch export's CSV and the tables as data, `export --tables`), rebuilds every table with its totals, and names
each cell by its theme and dimension values, so a count published in two
tables is one unknown. Each row and column of each table says "its cells add
up to its total" (the model disclosure control protects against).

exact: the numbers are exact (--rounding 1). Exact linear algebra over the
rationals: a hidden count is given away when its unit vector lies in the
span of the equations with the shown numbers substituted. Prints each one.

lp: the numbers are rounded. For each hidden count, linear programs find
the least and the most it can be given every shown number (a shown s is
anywhere from s - r/2 to s + r/2 and not below the threshold; a shown 0 is
0) and every equation that really holds (people are in one district each,
but not in one theme each); the interval must be at least WIDTH wide.
How many are narrower than the threshold (8) is said too.
lpN: rounded to N (default 5); shown counts are taken as at least 8.

Prints "ok ..." or "FAIL ..." lines; exits 1 when anything was given away.
"""
import csv
import sys
from collections import defaultdict
from fractions import Fraction

ANSWERED = {'question', 'polarity'}   # their denominators are who answered, not everyone


def key_of(theme, pairs):
    return (theme, '|'.join('%s=%s' % p for p in sorted(pairs) if p[1] != '(all)'))


def tables_of(path):
    """The tables in one published CSV: lists of (nrows, ncols, keys, values) with totals last."""
    with open(path, newline='') as f:
        rows = [r for r in csv.DictReader(f)]
    if rows and 'theme_code' in rows[0]:
        # The tables as data (export --tables): a hidden number is empty with
        # its status "suppressed"; read it as the Healthwatch layout's "*".
        for r in rows:
            for n in ('respondents_mentioning', 'respondents'):
                if r[n + '_status'] == 'suppressed':
                    assert r[n] == '', (path, r)
                    r[n] = '*'
            r['theme'], r['value'] = r['theme_code'], r['value_code']
    groups = defaultdict(list)
    if rows and 'table' in rows[0]:
        for r in rows:
            if r['table'] == 'Notes':
                continue
            groups[(r['table'],)].append(([r['dimension']], r['theme'], [r['value']], r))
    else:
        with open(path, newline='') as f:
            head = next(csv.reader(f))
        dims = [h for h in head[3:-3] if not h.endswith('_label')]
        for r in rows:
            groups[()].append((dims, r['theme'], [r[d] for d in dims], r))
    out = []
    for recs in groups.values():
        dims = recs[0][0]
        who = '(answered)' if set(dims) & ANSWERED else '(respondents)'
        if len(dims) == 1:
            themes = list(dict.fromkeys(t for _, t, _, _ in recs))
            vals = list(dict.fromkeys(v[0] for _, _, v, _ in recs))
            cell = {(t, v[0]): r for _, t, v, r in recs}
            part = dims[0] not in ANSWERED
            out.append(table(themes, vals, lambda t, v: key_of(t, [(dims[0], v)]),
                             lambda t, v: cell[(t, v)]['respondents_mentioning'], adds=(part, False)))
            out.append(table([None], vals, lambda t, v: key_of(who, [(dims[0], v)]),
                             lambda t, v: cell[(themes[0], v)]['respondents'], line=True,
                             adds=(part, False)))
        else:
            themes = list(dict.fromkeys(t for _, t, _, _ in recs))
            v0 = list(dict.fromkeys(v[0] for _, _, v, _ in recs))
            v1 = list(dict.fromkeys(v[1] for _, _, v, _ in recs))
            cell = {(t, v[0], v[1]): r for _, t, v, r in recs}
            adds = (dims[1] not in ANSWERED, dims[0] not in ANSWERED)
            for th in themes:
                out.append(table(v0, v1, lambda a, b, th=th: key_of(th, [(dims[0], a), (dims[1], b)]),
                                 lambda a, b, th=th: cell[(th, a, b)]['respondents_mentioning'], adds=adds))
            out.append(table(v0, v1, lambda a, b: key_of(who, [(dims[0], a), (dims[1], b)]),
                             lambda a, b: cell[(themes[0], a, b)]['respondents'], adds=adds))
    return out


def table(rows, cols, key, value, line=False, adds=(True, True)):
    """Rows and columns include their totals last; a line has one row (its own total).
    adds: whether a row's cells, and a column's, really add up to its total
    (people in one district each, but not one theme each)."""
    keys = [[key(r, c) for c in cols] for r in rows]
    vals = [[value(r, c) for c in cols] for r in rows]
    return {'keys': keys, 'vals': vals, 'line': line, 'adds': adds}


def equations(tables, true_only=False):
    """Each line: a list of (key, coefficient), total last with -1. With
    true_only, only the lines that really add up (what the numbers obey);
    otherwise every line, the model suppression protects against."""
    eqs = []
    for t in tables:
        k = t['keys']
        R, C = len(k), len(k[0])
        for i in range(R):
            if C > 1 and (t['adds'][0] or not true_only):
                eqs.append([(k[i][j], 1) for j in range(C - 1)] + [(k[i][C - 1], -1)])
        if not t['line'] and (t['adds'][1] or not true_only):
            for j in range(C):
                if R > 1:
                    eqs.append([(k[i][j], 1) for i in range(R - 1)] + [(k[R - 1][j], -1)])
    return eqs


def collect(tables):
    shown, hidden = {}, set()
    for t in tables:
        for kr, vr in zip(t['keys'], t['vals']):
            for k, v in zip(kr, vr):
                if v == '*':
                    hidden.add(k)
                else:
                    if k in shown and shown[k] != int(v):
                        print('FAIL the same cell is published as %s and as %s: %s' % (shown[k], v, k))
                    shown[k] = int(v)
    both = hidden & set(shown)
    return shown, hidden - set(shown), both


def determined_exact(unknowns, eqs):
    idx = {k: n for n, k in enumerate(sorted(unknowns))}
    rows = []
    for e in eqs:
        row = defaultdict(Fraction)
        for k, c in e:
            if k in idx:
                row[idx[k]] += c
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots = {}                                 # column -> row (dict), reduced
    for row in rows:
        for c, r in pivots.items():
            if c in row:
                f = row[c]
                for cc, vv in r.items():
                    row[cc] = row.get(cc, 0) - f * vv
                row = {cc: vv for cc, vv in row.items() if vv}
        if not row:
            continue
        c = min(row)
        f = row[c]
        row = {cc: vv / f for cc, vv in row.items()}
        for pc, r in pivots.items():
            if c in r:
                g = r[c]
                for cc, vv in row.items():
                    r[cc] = r.get(cc, 0) - g * vv
                pivots[pc] = {cc: vv for cc, vv in r.items() if vv}
        pivots[c] = row
    names = sorted(unknowns)
    return [names[c] for c, r in pivots.items() if len(r) == 1]


def intervals_lp(unknowns, shown, eqs, rounding, threshold):
    from scipy.optimize import linprog
    import numpy as np
    # Groups of numbers joined by equations: one small LP each.
    up = {}
    def find(x):
        while up.setdefault(x, x) != x:
            up[x] = up[up[x]]
            x = up[x]
        return x
    for e in eqs:
        for k, _ in e[1:]:
            a, b = find(e[0][0]), find(k)
            if a != b:
                up[a] = b
    groups = defaultdict(list)
    for e in eqs:
        groups[find(e[0][0])].append(e)
    half = rounding // 2
    out = {}
    for k in unknowns:
        if find(k) not in groups:
            out[k] = (0, float('inf'))        # in no equation: anything at all
    for g, ge in groups.items():
        var = sorted({k for e in ge for k, _ in e})
        hid = [k for k in var if k in unknowns]
        if not hid:
            continue
        idx = {k: n for n, k in enumerate(var)}
        A = np.zeros((len(ge), len(var)))
        for r, e in enumerate(ge):
            for k, c in e:
                A[r, idx[k]] += c
        bounds = []
        for k in var:
            if k in shown:
                s = shown[k]
                bounds.append((0, 0) if s == 0 else (max(s - half, threshold), s + half))
            else:
                bounds.append((0, None))
        for k in hid:
            c = np.zeros(len(var))
            c[idx[k]] = 1
            lo = linprog(c, A_eq=A, b_eq=np.zeros(len(A)), bounds=bounds, method='highs')
            hi = linprog(-c, A_eq=A, b_eq=np.zeros(len(A)), bounds=bounds, method='highs')
            if lo.status != 0:
                out[k] = None
                continue
            out[k] = (lo.fun, float('inf') if hi.status == 3 else -hi.fun)
    return out


def main():
    mode, threshold, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    tables = [t for f in files for t in tables_of(f)]
    shown, unknowns, both = collect(tables)
    eqs = equations(tables, true_only=mode != 'exact')
    bad = 0
    if both:
        bad += 1
        print('FAIL %d cells hidden in one table and shown in another, e.g. %s' % (len(both), sorted(both)[:2]))
    else:
        print('ok no cell is hidden in one table and shown in another (%d tables, %d hidden, %d shown)'
              % (len(tables), len(unknowns), len(shown)))
    if mode == 'exact':
        det = determined_exact(unknowns, eqs)
        if det:
            bad += 1
            print('FAIL %d hidden counts can be worked out exactly, e.g. %s' % (len(det), det[:3]))
        else:
            print('ok exact audit: none of the %d hidden counts can be worked out from %d equations'
                  % (len(unknowns), len(eqs)))
    else:
        rounding = int(mode[2:]) if len(mode) > 2 else 5
        iv = intervals_lp(unknowns, shown, eqs, rounding, 8)
        infeasible = [k for k, v in iv.items() if v is None]
        narrow = [(k, v) for k, v in iv.items() if v is not None and v[1] - v[0] < threshold]
        short = [(k, v) for k, v in iv.items() if v is not None and v[1] - v[0] < 8]
        if infeasible:
            bad += 1
            print('FAIL the published numbers fit no data: %s' % infeasible[:2])
        if narrow:
            bad += 1
            print('FAIL %d hidden counts lie in an interval narrower than %d, e.g. %s'
                  % (len(narrow), threshold, narrow[:3]))
        if not infeasible and not narrow:
            w = min((v[1] - v[0] for v in iv.values()), default=float('inf'))
            print('ok LP audit: each of the %d hidden counts can be anything over an interval at '
                  'least %d wide (narrowest %g; %d narrower than the threshold 8)'
                  % (len(iv), threshold, w, len(short)))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
