#!/usr/bin/env python3
"""Write N synthetic online responses as CSV for the import benchmark.

usage: gen_import_csv.py N OUT.csv
The columns are those of tests/fixtures/import/online.map.xml, with every row
valid: ids, dates, postcodes, free text of 20 to 600 characters (some non-ASCII),
single and multiple choices, a scale.
"""
import csv
import random
import sys

PHRASES = [
    "Waited four hours in A&E with my dad", "the GP surgery rang back the same day",
    "parking at Royal Stoke is impossible", "nurses were kind and explained everything",
    "could not get an appointment for three weeks", "the walk-in centre in Cannock was quick",
    "café at the hospital was closed", "staff shortages on the ward were obvious",
    "NHS 111 sent an ambulance straight away", "mental health waiting list is far too long",
]
OUTWARD = ["ST1 1AF", "ST5", "ST7", "B79", "WS11 1AA", "ST1 1AG", "", "DE14", "ST16"]
SAT = ["Very satisfied", "Satisfied", "Neither satisfied nor dissatisfied", "Dissatisfied",
       "Very dissatisfied", ""]
SERVICES = ["GP practice", "Pharmacy", "NHS 111", "A&E (accident and emergency)",
            "Community hospital"]
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75 or over", ""]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(2019)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Respondent", "Submitted", "Postcode", "Area",
                    "What works well in urgent care?", "How satisfied are you?",
                    "Services used", "Age", "Recommend", "Notes"])
        for i in range(n):
            text = ""
            while len(text) < rnd.randint(20, 600):
                text += rnd.choice(PHRASES) + ". "
            w.writerow([f"B{i}", f"2019-{rnd.randint(6, 8):02d}-{rnd.randint(1, 28):02d}",
                        rnd.choice(OUTWARD), "", text.strip()[:600], rnd.choice(SAT),
                        ", ".join(rnd.sample(SERVICES, rnd.randint(0, 3))),
                        rnd.choice(AGES), str(rnd.randint(0, 10)), ""])


if __name__ == "__main__":
    main()
