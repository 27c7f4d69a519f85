#!/usr/bin/env python
"""One table of every benchmark's figures, from the results the scripts of bench/ record.

Each benchmark script writes ``bench/results/<script>.json`` (``common.record``): per line the
quality-bar item (P1, P2, P3, P4, R7), the measured figure, the baseline measured in the same
run, the ratio the target is about, the target and whether it was met. This script reads them
all, prints one aligned plain-text table and writes the same table as Markdown, with the date,
the machine's cores and load and the commit, to ``bench/results/latest.md`` (the file the
README's performance section is copied from; the JSON files are not committed).

    .venv/bin/python bench/report.py [--results bench/results] [--markdown PATH]

Exit status, decided as follows. A benchmark is a measurement: a speed target that is missed is
printed as MISSED, listed at the end, and the exit status stays 0, because a figure on a busy
shared machine says little on its own and the scripts themselves (run alone) already exit 1 on
a missed target. A failed correctness check is different: server errors, lost submissions or
late acceptances in the deadline rush (R7), missing or doubled certificates in a batch, or a
benchmark with no result at all (its script crashed before recording; ``make bench`` removes
the previous results first) make the exit status 1, since then the figures are not to be
trusted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from common import RESULTS, ROOT, load_average

# The benchmarks ``make bench`` runs, in the order of the quality bar.
BENCHES = ["public_pages", "organizer_list", "certificates", "workers", "deadline_rush"]
COLUMNS = ["what", "measurement", "figure", "baseline", "ratio", "target", "result", "notes"]


def commit() -> str:
    """The checked-out commit, read from .git without running git (BENCH_COMMIT overrides)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split()[0][:12]
    except OSError:
        pass
    return "unknown"


def number(value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 10:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"


def with_unit(value, unit: str) -> str:
    text = number(value)
    return f"{text} {unit}" if unit and value is not None else text


def result(line: dict) -> str:
    if line["ok"] is None:
        return "-"
    if line["ok"]:
        return "ok"
    return "FAILED" if line["check"] else "MISSED"


def cells(line: dict) -> list[str]:
    baseline = ""
    if line["baseline"] is not None:
        baseline = with_unit(line["baseline"], line["baseline_unit"])
    return [
        line["what"],
        line["item"],
        with_unit(line["value"], line["unit"]),
        baseline,
        "" if line["ratio"] is None else ratio(line["ratio"]),
        line["target"],
        result(line),
        line["detail"],
    ]


def load(results: Path) -> tuple[list[dict], list[str]]:
    """The recorded benchmarks (known ones first, in order) and the names of those missing."""
    found = {path.stem: json.loads(path.read_text()) for path in sorted(results.glob("*.json"))}
    ordered = [found[name] for name in BENCHES if name in found]
    ordered += [data for name, data in found.items() if name not in BENCHES]
    return ordered, [name for name in BENCHES if name not in found]


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    right = {2, 3, 4}

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), rule, *(line(row) for row in rows)])


def markdown_table(rows: list[list[str]]) -> str:
    def line(row: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"

    return "\n".join([line(COLUMNS), "|" + "---|" * len(COLUMNS), *(line(row) for row in rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--markdown", type=Path, default=None, help="default: <results>/latest.md")
    args = parser.parse_args()
    markdown_path = args.markdown or args.results / "latest.md"

    benches, missing = load(args.results)
    rows, missed, failed = [], [], []
    for bench in benches:
        for line in bench["rows"]:
            rows.append(cells(line))
            if line["ok"] is False:
                (failed if line["check"] else missed).append(f"{line['what']} {line['item']}")
    cores = {bench["cores"] for bench in benches} or {os.cpu_count()}
    now = dt.datetime.now(tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    runs = [
        f"{bench['script']}: {bench['started']} to {bench['finished'][11:]}, "
        f"load average at the end {bench['load_average']}, settings {bench['settings']}"
        for bench in benches
    ]
    summary = []
    if missed:
        summary.append(f"Targets MISSED ({len(missed)}): " + "; ".join(missed) + ".")
    else:
        summary.append("Every speed target met." if rows else "No results recorded.")
    if failed:
        summary.append(f"Checks FAILED ({len(failed)}): " + "; ".join(failed) + ".")
    if missing:
        summary.append(
            "No result from: "
            + ", ".join(f"bench/{name}.py" for name in missing)
            + " (not run, or it stopped before recording; see its output)."
        )

    heading = (
        f"Benchmarks, {now}, commit {commit()}, {'/'.join(map(str, sorted(cores)))} cores, "
        f"load average now {load_average()}"
    )
    print(f"\n{heading}\n")
    print(text_table(rows))
    print()
    for run in runs:
        print(run)
    print()
    for line in summary:
        print(line)

    markdown = [
        f"Measured {now} on commit `{commit()}`, {'/'.join(map(str, sorted(cores)))} cores "
        "(`make bench`; figures from `bench/results/*.json`, table by `bench/report.py`).",
        "",
        markdown_table(rows),
        "",
        "Ratio: the figure over the baseline measured in the same run (P1: requests per second "
        "over the bare view's; P2: milliseconds over the 50-row list's; P3: certificates per "
        "second over bare pages per second, or over one core's; P4: p95 over the baseline's p95). "
        "Result: ok, MISSED (a speed target), FAILED (a correctness check), - (no target).",
        "",
        *(f"- {run}" for run in runs),
        "",
        *summary,
        "",
    ]
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text("\n".join(markdown))
    shown = markdown_path.relative_to(ROOT) if markdown_path.is_relative_to(ROOT) else markdown_path
    print(f"\nMarkdown table written to {shown}")
    return 1 if failed or missing else 0


if __name__ == "__main__":
    sys.exit(main())
