#!/usr/bin/env python
"""P3: certificate PDFs per second on one core in every language, their sizes, and a cohort of
1,000 on two cores.

Each language renders bilingual certificates (English + the language) of the sample holders of
``assessments/certificates/samples.py`` with two logos and two signatures, every one with its
own serial number and verification URL (so a QR code each). The baseline is a bare reportlab
page in the same run: one line of the holder's name in the language's own face (same fonts,
embedded as subsets, same invariant canvas) and nothing else. Languages and the baseline are
measured in interleaved rounds after a warm-up, so drift of a shared machine during the run
affects all alike. A mixed cohort cycles through
all languages. Then 1,000 certificates of a mixed cohort are rendered by two processes (fonts
loaded before forking), with a progress line.

    .venv/bin/python bench/certificates.py [--per-language 150] [--rounds 5] [--cohort 1000]

Prints one table, records it in bench/results/certificates.json (bench/report.py) and exits 1
when a language falls under 60 certificates per second or a PDF is over 80 KB (P3).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aslp_site.settings.dev")

import django  # noqa: E402

django.setup()

from dataclasses import replace  # noqa: E402

from common import record, row  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from assessments.certificates import LANGUAGES, render_certificate, warm_up  # noqa: E402
from assessments.certificates.samples import (  # noqa: E402
    HOLDERS,
    sample_certificate,
    sample_logo,
    sample_signature,
)
from assessments.certificates.text import draw_runs, fit_line  # noqa: E402

TARGET_PER_SECOND = 60
TARGET_SIZE = 80 * 1024


def certificates_for(language: str | None, count: int, start: int = 0) -> list:
    """``count`` certificates with distinct serials and URLs: holders of ``language`` (or of
    every language in turn when ``None``)."""
    holders = [h for h in HOLDERS if language is None or h[0] == language]
    logos = (sample_logo(), sample_logo("APEC", "#b08d3c"))
    signature = sample_signature()
    base = {}
    for lang, name, latin in holders:
        data = sample_certificate(lang, name, latin, logos=logos)
        signatories = tuple(replace(s, signature_png=signature) for s in data.signatories)
        base[lang] = replace(data, signatories=signatories)
    out = []
    for index in range(start, start + count):
        lang, name, latin = holders[index % len(holders)]
        out.append(
            replace(
                base[lang],
                holder_name=name,
                holder_name_latin=latin,
                serial=f"ASLP-2026-{index:06d}",
                verification_url=f"https://aslp.example.org/verify/{index:032x}",
            )
        )
    return out


def bare_page(data) -> bytes:
    """The baseline: the holder's name on an otherwise empty page, same fonts and canvas."""
    buffer = BytesIO()
    runs = fit_line(data.holder_name, data.holder_language, 30, 700, "bold")
    canvas = Canvas(buffer, invariant=1, initialFontName=runs[0].font)
    draw_runs(canvas, runs, 400, 300, "center")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(function, items) -> tuple[float, list[int]]:
    sizes = []
    started = time.perf_counter()
    for item in items:
        sizes.append(len(function(item)))
    return time.perf_counter() - started, sizes


def _render(data) -> tuple[str, int]:
    return data.serial, len(render_certificate(data))


def cohort_on_two_cores(count: int) -> tuple[float, int]:
    items = certificates_for(None, count, start=100_000)
    context = multiprocessing.get_context("fork")
    done = largest = 0
    started = time.perf_counter()
    with context.Pool(2) as pool:
        for _serial, size in pool.imap_unordered(_render, items, chunksize=10):
            done += 1
            largest = max(largest, size)
            if done % 50 == 0 or done == count:
                elapsed = time.perf_counter() - started
                print(
                    f"\r  cohort on 2 cores: {done:>5,}/{count:,} ({done / elapsed:5.0f}/s)",
                    end="",
                    flush=True,
                )
    print()
    return time.perf_counter() - started, largest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cohort", type=int, default=1000)
    args = parser.parse_args()
    run_started = time.time()

    print("Loading fonts (static instances are built on first use) ...")
    started = time.perf_counter()
    warm_up(LANGUAGES)
    print(f"  all faces registered in {time.perf_counter() - started:.1f} s")

    groups = {lang: certificates_for(lang, args.per_language) for lang in LANGUAGES}
    groups["mixed cohort"] = certificates_for(None, args.per_language, start=50_000)
    for items in groups.values():  # warm-up: every face, every code path
        render_certificate(items[0])
        bare_page(items[0])

    per_round = max(1, args.per_language // args.rounds)
    cert_time = dict.fromkeys(groups, 0.0)
    bare_time = dict.fromkeys(groups, 0.0)
    sizes: dict[str, list[int]] = {name: [] for name in groups}
    bare_sizes: dict[str, list[int]] = {name: [] for name in groups}
    counts = dict.fromkeys(groups, 0)
    for round_index in range(args.rounds):
        for name, items in groups.items():
            chunk = items[round_index * per_round : (round_index + 1) * per_round]
            seconds, chunk_sizes = timed(render_certificate, chunk)
            cert_time[name] += seconds
            sizes[name] += chunk_sizes
            seconds, chunk_sizes = timed(bare_page, chunk)
            bare_time[name] += seconds
            bare_sizes[name] += chunk_sizes
            counts[name] += len(chunk)
        print(f"\r  one core: round {round_index + 1}/{args.rounds}", end="", flush=True)
    print()

    cohort_seconds, cohort_largest = cohort_on_two_cores(args.cohort)

    header = (
        f"{'language':<14}{'cert/s':>8}{'bare/s':>9}{'ratio':>8}"
        f"{'mean KB':>9}{'max KB':>8}{'bare KB':>9}  P3"
    )
    print(f"\n{header}\n{'-' * len(header)}")
    failures = []
    rows = []
    target = f">= {TARGET_PER_SECOND}/s, <= {TARGET_SIZE // 1024} KB"
    for name in groups:
        rate = counts[name] / cert_time[name]
        bare_rate = counts[name] / bare_time[name]
        largest = max(sizes[name])
        ok = rate >= TARGET_PER_SECOND and largest <= TARGET_SIZE
        if not ok:
            failures.append(name)
        rows.append(
            row(
                "P3",
                f"certificates, 1 core: {name}",
                rate,
                "cert/s",
                baseline=bare_rate,
                baseline_unit="bare pages/s",
                ratio=rate / bare_rate,
                target=target,
                ok=ok,
                detail=(
                    f"PDF max {largest / 1024:.1f} KB, mean "
                    f"{statistics.mean(sizes[name]) / 1024:.1f} KB (bare page "
                    f"{statistics.mean(bare_sizes[name]) / 1024:.1f} KB); {counts[name]} made"
                ),
            )
        )
        print(
            f"{name:<14}{rate:>8.1f}{bare_rate:>9.1f}{rate / bare_rate:>8.3f}"
            f"{statistics.mean(sizes[name]) / 1024:>9.1f}{largest / 1024:>8.1f}"
            f"{statistics.mean(bare_sizes[name]) / 1024:>9.1f}  {'ok' if ok else 'FAIL'}"
        )
    cohort_ok = cohort_largest <= TARGET_SIZE
    print(
        f"{f'{args.cohort:,} / 2 cores':<14}{args.cohort / cohort_seconds:>8.1f}{'':>9}{'':>8}"
        f"{'':>9}{cohort_largest / 1024:>8.1f}{'':>9}  "
        f"{'ok' if cohort_ok else 'FAIL'} ({args.cohort:,} in {cohort_seconds:.1f} s)"
    )
    if not cohort_ok:
        failures.append("cohort")
    mixed_rate = counts["mixed cohort"] / cert_time["mixed cohort"]
    rows.append(
        row(
            "P3",
            f"certificates, {args.cohort:,} on 2 cores",
            args.cohort / cohort_seconds,
            "cert/s",
            baseline=mixed_rate,
            baseline_unit="cert/s on 1 core (mixed)",
            ratio=args.cohort / cohort_seconds / mixed_rate,
            target=f"<= {TARGET_SIZE // 1024} KB",
            ok=cohort_ok,
            detail=f"{cohort_seconds:.1f} s, max {cohort_largest / 1024:.1f} KB",
        )
    )
    record(
        "certificates",
        "Certificate PDFs per second and their sizes",
        rows,
        started=run_started,
        settings={"per_language": args.per_language, "rounds": args.rounds, "cohort": args.cohort},
    )
    print(
        f"\nTarget P3: >= {TARGET_PER_SECOND} certificates/s per core in every language, "
        f"<= {TARGET_SIZE // 1024} KB each. Ratio: certificate rate / bare page rate."
    )
    if failures:
        print("Under the target: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
