#!/usr/bin/env python3
"""Writes the hostile inputs of tests/e2e/hostile.sh into a folder.

usage: make_hostile.py OUTDIR

The big ones (a 20 MB XML text node, a 100 MB CSV field) are made here, at
test time, rather than kept in the repository. Every file is named
CARRIER-ATTACK.EXT; README.md in this folder lists what each one is and
what the programs must do with it.
"""
import gzip
import io
import os
import sys
import zipfile

OUT = sys.argv[1]
MARKER = "LEAKED-FROM-A-LOCAL-FILE"

# ---- XML carriers: the same attacks in each kind of XML file we read ------

# Each carrier is (name, extension, template); the template has {doctype}
# where a DOCTYPE goes and {payload} inside an element whose text is free.
CARRIERS = [
    ("exercise", "xml", """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<exercise code="hostile">
  <title>{payload}</title>
  <opens>2019-06-03</opens>
  <closes>2019-08-25</closes>
  <districts><district code="E07000192">Cannock Chase</district></districts>
  <events/>
  <questionnaire variant="standard" code="main">
    <title>Main</title>
    <question code="Q1" type="free-text"><text>Anything else?</text></question>
  </questionnaire>
</exercise>
"""),
    ("mapping", "map.xml", """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<mapping exercise="twb-2019" channel="online">{payload}
  <question code="UEC-WELL" field="What works well in urgent care?"/>
</mapping>
"""),
    ("rules", "rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<rules exercise="twb-2019">
  <title>{payload}</title>
  <theme code="PARK" label="Parking"><include>park</include></theme>
</rules>
"""),
    ("xform", "xml", """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<data id="twb-roadshow"><event>RS-BUR-1</event><feedback><uec_well>{payload}</uec_well></feedback><meta><instanceID>uuid:0001</instanceID></meta></data>
"""),
    ("limesurvey", "lsr", """<?xml version="1.0" encoding="UTF-8"?>
{doctype}<document><LimeSurveyDocType>Responses</LimeSurveyDocType><DBVersion>366</DBVersion><responses><fields><fieldname>id</fieldname><fieldname>comment</fieldname></fields><rows>
<row><id>1</id><comment>{payload}</comment></row>
</rows></responses></document>
"""),
]

ROOTS = {"exercise": "exercise", "mapping": "mapping", "rules": "rules", "xform": "data",
         "limesurvey": "document"}

DEPTH = 300          # deeper than libxml2's 256
BIG_TEXT = 20 << 20  # 20 MB, over libxml2's 10 MB text node limit


def attacks(root):
    """(name, doctype, payload) for each XML attack."""
    laughs = ['<!ENTITY lol "lol">'] + [
        '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10)
        for i in range(1, 10)]
    return [
        ("external-entity",
         '<!DOCTYPE %s [ <!ENTITY secret SYSTEM "file://%s/secret.txt"> ]>\n' % (root, OUT),
         "&secret;"),
        ("billion-laughs",
         "<!DOCTYPE %s [\n  %s\n]>\n" % (root, "\n  ".join(laughs)), "&lol9;"),
        ("external-dtd",
         '<!DOCTYPE %s SYSTEM "file://%s/evil.dtd">\n' % (root, OUT), "&leak;"),
        ("deep", "", "<x>" * DEPTH + "deep" + "</x>" * DEPTH),
        ("huge-text", "", "a" * BIG_TEXT),
    ]


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(OUT, name), mode) as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    # What an entity or an external DTD would pull in if it were ever read.
    write("secret.txt", MARKER + "\n")
    write("evil.dtd", '<!ENTITY leak "%s">\n' % MARKER)

    for carrier, ext, template in CARRIERS:
        root = ROOTS[carrier]
        for attack, doctype, payload in attacks(root):
            text = template.replace("{doctype}", doctype).replace("{payload}", payload)
            write("%s-%s.%s" % (carrier, attack, ext), text)
        # A good file, gzip-compressed: refused, not decompressed.
        plain = template.replace("{doctype}", "").replace("{payload}", "compressed")
        write("%s-gzip.%s" % (carrier, ext), gzip.compress(plain.encode(), mtime=0))

    xlsx()
    csv()
    rules()


# ---- XLSX: the same attacks inside a workbook's sheet ---------------------

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""
TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""


def sheet(cell2):
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Respondent</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>What works well in urgent care?</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>R1</t></is></c>'
            '<c r="B2" t="inlineStr"><is>' + cell2 + '</is></c></row></sheetData></worksheet>')


def xlsx():
    import base64
    import random
    # Text that does not compress well, so the zip ratio check is not what stops it.
    big = base64.b64encode(random.Random(8).randbytes(BIG_TEXT * 3 // 4)).decode()
    cases = {
        "deep": "<t>" + "<x>" * DEPTH + "deep" + "</x>" * DEPTH + "</t>",
        "huge-text": "<t>" + big + "</t>",
    }
    for attack, cell in cases.items():
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", TYPES)
            z.writestr("xl/workbook.xml", WORKBOOK)
            z.writestr("xl/_rels/workbook.xml.rels", RELS)
            z.writestr("xl/worksheets/sheet1.xml", sheet(cell))
        write("xlsx-%s.xlsx" % attack, buf.getvalue())


# ---- CSV: one bad row among good ones --------------------------------------

HEADER = (b"Respondent,Submitted,Postcode,Area,What works well in urgent care?,"
          b"How satisfied are you?,Services used,Age,Recommend\r\n")


def good(tag, n, text=b"The nurses were kind"):
    return b"%s-%d,2019-06-05,ST4 6QG,,%s,Satisfied,GP practice,35-44,8\r\n" % (
        tag.encode(), n, text)


def csv():
    # Line 3 of each file is the bad row; lines 2 and 4 are good.
    bad = {
        "nul": b"The nurses\x00were kind",
        "overlong": b"A slash \xc0\xaf hidden",
        "truncated": b"\"Caf\xc3\"",
        "surrogate": b"Half a pair \xed\xa0\x80 here",
    }
    for name, text in bad.items():
        write("csv-%s.csv" % name, HEADER + good(name, 1) + good(name, 2, text) + good(name, 3))
    # A 100 MB field, written in pieces: memory must stay flat while it is skipped.
    with open(os.path.join(OUT, "csv-big-field.csv"), "wb") as f:
        f.write(HEADER + good("big", 1) + b'big-2,2019-06-05,ST4 6QG,,"')
        chunk = b"All work and no play makes a very long answer. " * 1024
        left = 100 << 20
        while left > 0:
            f.write(chunk[:left])
            left -= len(chunk)
        f.write(b'",Satisfied,,35-44,8\r\n' + good("big", 3))
    write("csv-gzip.csv", gzip.compress(HEADER + good("gzip", 1) + good("gzip", 2), mtime=0))
    # Answers that send (a+)+$ into catastrophic backtracking, and a few that do not.
    rows = [good("aaa", i, b"a" * 30 + b"!") for i in range(1, 41)]
    rows += [good("aaa", i, b"Parking was fine") for i in range(41, 46)]
    write("csv-catastrophic-answers.csv", HEADER + b"".join(rows))


# ---- rule sets whose patterns attack the matcher ----------------------------

def rules():
    write("rules-catastrophic.rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
<rules exercise="twb-2019">
  <theme code="PARK" label="Parking"><include>park</include>
    <example match="true">parking</example></theme>
  <theme code="AAA" label="Backtracking"><include>(a+)+$</include>
    <example match="false">aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!</example></theme>
</rules>
""")
    alts = "|".join("w%05d" % i for i in range(10000))
    write("rules-alternatives.rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
<rules exercise="twb-2019">
  <theme code="PARK" label="Parking"><include>park</include></theme>
  <theme code="MANY" label="Ten thousand words"><include>\\b(?:%s)\\b</include>
    <example match="true">say w09999 please</example></theme>
</rules>
""" % alts)
    # The same 10,000 alternatives in five patterns that each compile.
    includes = "\n    ".join(
        "<include>\\b(?:%s)\\b</include>" % "|".join("w%05d" % i for i in range(k, k + 2000))
        for k in range(0, 10000, 2000))
    write("rules-alternatives-split.rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
<rules exercise="twb-2019">
  <theme code="PARK" label="Parking"><include>park</include></theme>
  <theme code="MANY" label="Ten thousand words">
    %s
    <example match="true">say w09999 please</example>
    <example match="false">say w10000 please</example>
  </theme>
</rules>
""" % includes)
    write("rules-invalid.rules.xml", """<?xml version="1.0" encoding="UTF-8"?>
<rules exercise="twb-2019">
  <theme code="PARK" label="Parking">
    <include>park</include>
    <include>(car|bus</include>
  </theme>
</rules>
""")


main()
