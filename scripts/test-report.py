#!/usr/bin/env python3
"""One line per module of the tests that ran: unit (surefire) and integration (failsafe) counts.

Reads the XML reports Maven's test plugins write under <module>/target/{surefire,failsafe}-reports.
Only reports written since the marker file given as the first argument count, so a module that
did not run this time (or ran in an earlier build) is not shown as if it had.
Exits 0: the build's own exit code says whether tests failed; this only makes it readable.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    since = os.path.getmtime(sys.argv[1]) if len(sys.argv) > 1 else 0.0
    modules = {}
    for path in glob.glob(os.path.join(root, "**", "target", "*-reports", "TEST-*.xml"), recursive=True):
        if os.path.getmtime(path) < since:
            continue
        kind = "unit" if os.path.basename(os.path.dirname(path)) == "surefire-reports" else "it"
        module = os.path.relpath(path, root).split(os.sep + "target" + os.sep)[0]
        try:
            suite = ET.parse(path).getroot()
        except ET.ParseError:
            continue  # a fork that died mid-write; Maven reports it already
        row = modules.setdefault(module, {"unit": 0, "it": 0, "failed": 0, "skipped": 0, "seconds": 0.0})
        row[kind] += int(suite.get("tests", 0))
        row["failed"] += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        row["skipped"] += int(suite.get("skipped", 0))
        row["seconds"] += float(suite.get("time", 0) or 0)
    if not modules:
        print("tests: no test reports were written")
        return
    print(f"tests: {'module':<22} {'unit':>5} {'IT':>5} {'failed':>7} {'skipped':>8} {'seconds':>8}")
    total = {"unit": 0, "it": 0, "failed": 0, "skipped": 0, "seconds": 0.0}
    for module in sorted(modules):
        row = modules[module]
        for key in total:
            total[key] += row[key]
        print(f"tests: {module:<22} {row['unit']:>5} {row['it']:>5} {row['failed']:>7} {row['skipped']:>8} {row['seconds']:>8.0f}")
    print(f"tests: {'all':<22} {total['unit']:>5} {total['it']:>5} {total['failed']:>7} {total['skipped']:>8} {total['seconds']:>8.0f}")


if __name__ == "__main__":
    main()
