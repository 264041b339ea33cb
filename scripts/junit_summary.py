"""Sum JUnit XML reports into one closing line: `ci: N passed, N failed, N skipped`.

Exits 1 when a report is missing, unreadable or holds no test case, so that a
suite that silently ran nothing cannot pass.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count(report: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for case in ET.parse(report).getroot().iter("testcase"):
        outcomes = {child.tag for child in case}
        if outcomes & {"failure", "error"}:
            failed += 1
        elif "skipped" in outcomes:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(paths: list[str]) -> int:
    totals = [0, 0, 0]
    problems = []
    for name in paths:
        report = Path(name)
        try:
            numbers = count(report)
        except (OSError, ET.ParseError) as error:
            problems.append(f"{report.name}: no readable report ({error})")
            continue
        if sum(numbers) == 0:
            problems.append(f"{report.name}: no test ran")
        print(f"  {report.stem:<12} {numbers[0]} passed, {numbers[1]} failed, {numbers[2]} skipped")
        totals = [a + b for a, b in zip(totals, numbers, strict=True)]
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    print(f"ci: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 1 if problems or totals[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
