#!/usr/bin/env python3
"""Print one closing line for a meson test run: 'tests: N passed, N failed'.

usage: test_summary.py BUILD/meson-logs/testlog.json
Exits 1 when any test failed or none ran, so `make check` cannot pass empty.
"""
import json
import sys

passed = failed = skipped = 0
with open(sys.argv[1], encoding='utf-8') as fh:
    for line in fh:
        if not line.strip():
            continue
        result = json.loads(line).get('result')
        if result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
print(f'tests: {passed} passed, {failed} failed' + (f', {skipped} skipped' if skipped else ''))
sys.exit(1 if failed or passed == 0 else 0)
