#!/usr/bin/env python3
"""Counts an export's rows and cells without the collector, to check what it
says and stores against (tests/e2e/real_exports.sh, tests/e2e/shapes.sh).

    export_rows.py rows FILE [--header-rows N] [--sep C]
        data rows: CSV (csv module), XLSX (zipfile + the sheet's XML), an ODK
        folder (its instance files) or one XML instance
    export_rows.py cells FILE FIELD [--header-rows N] [--sep C]
        rows with a value in FIELD (CSV/XLSX header text; with two header
        rows "Question / Sub", as docs/mapping-format.md names them; for an
        ODK folder an element path below the root, each repeat counted)
    export_rows.py values FILE FIELD [...]
        the non-empty values of FIELD, one a line, in row order
    --except "5 9": leaves out the records at those places (a CSV record's
    first line, an XLSX row, an ODK folder's record number), the rejected
    ones, so what is left is what must have arrived
"""

import csv
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def xlsx_rows(path):
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(NS + "si"):
                shared.append("".join(t.text or "" for t in si.iter(NS + "t")))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
    out = []
    for row in sheet.iter(NS + "row"):
        cells = {}
        for c in row.iter(NS + "c"):
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter(NS + "t"))
            else:
                e = c.find(NS + "v")
                v = e.text if e is not None and e.text else ""
                if t == "s" and v:
                    v = shared[int(v)]
            cells[col_index(c.get("r"))] = v
        width = max(cells) + 1 if cells else 0
        out.append([cells.get(i, "") for i in range(width)])
    return out


def table(path, sep):
    """Rows, each with its place: the CSV line it starts on, the XLSX row."""
    if zipfile.is_zipfile(path):
        return [(i + 1, r) for i, r in enumerate(xlsx_rows(path))]
    out = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=sep)
        start = 1
        for r in reader:
            out.append((start, r))
            start = reader.line_num + 1
    return out


def names(rows, header_rows):
    if header_rows == 1:
        return [h.strip() for h in rows[0]]
    out, q = [], ""
    width = max(len(rows[0]), len(rows[1]))
    for i in range(width):
        top = rows[0][i].strip() if i < len(rows[0]) else ""
        sub = rows[1][i].strip() if i < len(rows[1]) else ""
        q = top or q
        out.append(q if sub in ("", "Response", "Open-Ended Response") else "%s / %s" % (q, sub))
    return out


def xml_files(path):
    if os.path.isfile(path):
        return [path]
    found = []
    for d, _, files in os.walk(path):
        for f in sorted(files):
            if f.endswith(".xml") and f != "form.xml":
                found.append(os.path.join(d, f))
    return sorted(found)


def local(tag):
    return tag.rsplit("}", 1)[-1]


def xml_values(path, field, skip=()):
    """Per instance, the values at element path `field` below the root."""
    out = []
    for n, f in enumerate(xml_files(path), 1):
        if n in skip:
            continue
        root = ET.parse(f).getroot()
        nodes = [root]
        for part in field.split("/"):
            nodes = [c for n in nodes for c in n if local(c.tag) == part]
        out.append([(n.text or "").strip() for n in nodes])
    return out


def main():
    args = sys.argv[1:]
    header_rows, sep = 1, ","
    if "--header-rows" in args:
        i = args.index("--header-rows")
        header_rows = int(args[i + 1])
        del args[i:i + 2]
    if "--sep" in args:
        i = args.index("--sep")
        sep = args[i + 1]
        del args[i:i + 2]
    skip = set()
    while "--except" in args:  # given twice, both sets are left out
        i = args.index("--except")
        skip |= {int(x) for x in args[i + 1].split()}
        del args[i:i + 2]
    cmd, path = args[0], args[1]
    if os.path.isdir(path) or path.endswith(".xml"):
        if cmd == "rows":
            print(len(xml_files(path)))
        else:
            vals = [v for inst in xml_values(path, args[2], skip) for v in inst if v]
            print(len(vals) if cmd == "cells" else "\n".join(vals))
        return
    placed = table(path, sep)
    rows = [r for _, r in placed]
    data = [r for n, r in placed[header_rows:] if any(c.strip() for c in r) and n not in skip]
    if cmd == "rows":
        print(len(data))
        return
    i = names(rows, header_rows).index(args[2])
    vals = [r[i].strip() for r in data if i < len(r) and r[i].strip()]
    print(len(vals) if cmd == "cells" else "\n".join(vals))


if __name__ == "__main__":
    main()
