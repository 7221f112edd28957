#!/usr/bin/env python3
"""The Python baseline for the tagging benchmark.

usage: py_tag.py DB RULES OUT.tsv

Tags every free-text answer in DB with the rule set RULES the way
`analyser tag` does, with Python's re module: patterns ignore case unless
case="sensitive"; a theme is found when an include matches (the first one
in file order gives the rule and the span) and no exclude does; <questions>
limits a theme to those questions; answers that are not valid UTF-8 are
skipped. Writes one line per tag, "answer_id TAB theme TAB rule TAB start
TAB end" with byte offsets, in answer and theme order, so the output can be
compared with the analyser's tags and with bench/naive_tag.

The rule set must use the syntax both PCRE2 and re accept (bench/rules.xml
does); a pattern re refuses stops the script with its line.
"""
import re
import sqlite3
import sys
import xml.etree.ElementTree as ET


def load(path):
    themes = []
    root = ET.parse(path).getroot()
    for t in root.iter("theme"):
        code = t.get("code")
        q = t.find("questions")
        pats = {"include": [], "exclude": []}
        for kind in pats:
            for n, el in enumerate(t.iter(kind), 1):
                src = el.text.strip()
                flags = 0 if el.get("case") == "sensitive" else re.IGNORECASE
                try:
                    rx = re.compile(src, flags)
                except re.error as err:
                    sys.exit(f"{path}: {code}: pattern re cannot read: {err}: {src}")
                pid = el.get("id") or f"{code}/{'exclude' if kind == 'exclude' else ''}{n}"
                pats[kind].append((pid, rx))
        if pats["include"]:
            themes.append((code, set(q.text.split()) if q is not None else None,
                           pats["include"], pats["exclude"]))
    return themes


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    db, rules, out = sys.argv[1:]
    themes = load(rules)
    con = sqlite3.connect(db)
    con.text_factory = bytes
    rows = con.execute(
        "SELECT a.id, a.value, q.code FROM answer a CROSS JOIN question q "
        "WHERE q.id = a.question_id AND q.type = 'free-text' AND a.value IS NOT NULL "
        "ORDER BY a.id")
    with open(out, "w", encoding="utf-8") as fh:
        for aid, raw, qcode in rows:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                continue
            question = qcode.decode("utf-8")
            ascii_only = len(raw) == len(text)
            for code, questions, includes, excludes in themes:
                if questions is not None and question not in questions:
                    continue
                for pid, rx in includes:
                    m = rx.search(text)
                    if m:
                        break
                else:
                    continue
                if any(x.search(text) for _, x in excludes):
                    continue
                s, e = m.span()
                if not ascii_only:  # character offsets to byte offsets
                    s = len(text[:s].encode("utf-8"))
                    e = s + len(m.group(0).encode("utf-8"))
                fh.write(f"{aid}\t{code}\t{pid}\t{s}\t{e}\n")


if __name__ == "__main__":
    main()
