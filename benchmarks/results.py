"""benchmarks/RESULTS.md: each runner (`make bench`, `make bench-city`, `make bench-peer`) rewrites its own
section from the figures it just wrote under var/bench/; `uv run python benchmarks/results.py` rewrites every
section from the last figures there. The text outside the sections is kept as written."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = ROOT / "benchmarks" / "RESULTS.md"
FIGURES = ROOT / "var" / "bench"


def update(section: str, text: str) -> None:
    """Replace the section between `<!-- section:start -->` and `<!-- section:end -->` (or append it)."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    block = f"{start}\n{text.strip()}\n{end}"
    current = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(current):
        current = pattern.sub(lambda _: block, current)
    else:
        current = current.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS_MD.write_text(current, encoding="utf-8")


def _machine(m: dict) -> str:
    load = m.get("load_average_at_end") or m.get("load_after")
    return f"{m.get('nproc')} CPUs (`nproc`), load average {load} (the machine shared with other work)"


def bench_section(r: dict) -> str:
    lines = [
        f"### `make bench` — {r['when']}",
        "",
        f"Command: `{r['command']}`. Machine: {_machine(r['machine'])}. Broker: {r['broker']}. "
        f"{r['parameters']['clients']} clients, gunicorn {r['parameters']['web_workers']} workers, Celery "
        f"{r['parameters']['worker_concurrency']} processes (running in every phase), rate limits reset before "
        "each phase. Ratios are within one round (same machine state); absolute rates swing with the load.",
        "",
        "| round | measure | ok | per second | median ms | p95 ms | CPU ms per request web / worker / db |",
        "|---|---|---|---|---|---|---|",
    ]
    for rd in r["rounds"]:
        for name, m in (("bare Django insert (yardstick)", rd["yardstick"]), ("QR filing (intake)", rd["intake"])):
            c = m["cpu_ms_per_request"]
            lat = m["latency_ms"]
            lines.append(
                f"| {rd['round']} | {name} | {m['requests_ok']} | {m['per_second']} | {lat['median']} | {lat['p95']} "
                f"| {c['web']} / {c['worker']} / {c.get('database', '–')} |"
            )
        i = rd["intake"]
        b = i["routing"]["lag_ms"]
        lines.append(
            f"| {rd['round']} | filed and routed (worker included) | {i['routing']['routed']}/{i['routing']['orders']} "
            f"| {i['filed_and_routed_per_second']} | {b['median']} | {b['p95']} | |"
        )
    idle = r["filing_to_assignment_idle"]["lag_ms"]
    lines += [
        "",
        f"- **intake / yardstick (median of the rounds' ratios): {r['intake_vs_yardstick_median']}**; filed and "
        f"routed / yardstick: {r['filed_and_routed_vs_yardstick_median']}.",
        f"- Filing → assignment on an idle worker: median {idle['median']} ms, p95 {idle['p95']} ms.",
        f"- Every answer that was not a success: {r['non_success'] or 'none'}.",
    ]
    return "\n".join(lines)


def city_section(r: dict) -> str:
    tables = ", ".join(f"{t.split('_', 1)[1]} {v['rows']:,} rows ({v['megabytes']} MB)" for t, v in r["tables"].items())
    phases = "; ".join(
        f"{p['phase']} {p['rows']:,} in {p['seconds']} s"
        + (f" ({p['rows_per_second']:,}/s)" if "index" not in p["phase"] and p.get("rows_per_second") else "")
        for p in r["phases"]
    )
    return "\n".join(
        [
            f"### `make bench-city SIZE={r['orders']}` — {r['when']}",
            "",
            f"Command: `{r['command']}`. Machine: {r['machine']['nproc']} CPUs, load average "
            f"{r['machine']['load_before']} before and {r['machine']['load_after']} after "
            "(shared with other work: the rates are a lower bound).",
            "",
            f"- **{r['orders']:,} orders in {r['seconds']} s: {r['orders_per_second']:,} orders/s, "
            f"{r['rows_per_second']:,} rows/s overall** (every table, index rebuild included in the time).",
            "- Tree: " + ", ".join(f"{k} {v:,}" for k, v in r["tree"].items()) + ".",
            f"- Tables after the load: {tables}.",
            f"- Phases: {phases}.",
        ]
    )


def peer_section(r: dict) -> str:
    lines = [
        f"### `make bench-peer` — {r['when']}",
        "",
        f"Command: `{r['command']}`. Machine: {_machine(r['machine'])}. Both sides: gunicorn "
        f"{r['parameters']['web_workers']} workers, {r['parameters']['clients']} clients each from its own loopback "
        "address, interleaved rounds with the order alternating; ours with its Celery worker running.",
        "",
        "| round | order | ours per second | ours filed and routed per second | django-helpdesk per second "
        "| ours / peer | CPU ms ours web+worker+db / peer web+db |",
        "|---|---|---|---|---|---|---|",
    ]
    for rd in r["rounds"]:
        o, p = rd["ours"], rd["peer"]
        lines.append(
            f"| {rd['round']} | {' → '.join(rd['order'])} | {o['per_second']} | {o['filed_and_routed_per_second']} "
            f"| {p['per_second']} | {rd['ours_vs_peer']} | {o['cpu_ms_per_filing']['web']}+"
            f"{o['cpu_ms_per_filing']['worker']}+{o['cpu_ms_per_filing'].get('database', '–')} / "
            f"{p['cpu_ms_per_filing']['web']}+{p['cpu_ms_per_filing'].get('database', '–')} |"
        )
    lines += [
        "",
        f"- **ours / django-helpdesk (median): {r['ours_vs_peer_median']}; with routing: "
        f"{r['ours_filed_and_routed_vs_peer_median']}** (the aim: ≥ 2).",
        f"- Non-success answers: ours {[rd['ours']['statuses'] for rd in r['rounds']]}, "
        f"peer {[rd['peer']['statuses'] for rd in r['rounds']]}.",
    ]
    return "\n".join(lines)


def _pages_table(runs: list[dict]) -> list[str]:
    base = runs[0]
    head = " | ".join(f"{r['orders']:,} orders: ms (statements)" for r in runs)
    ratio_head = " | ".join(f"×{r['orders'] // base['orders']}" for r in runs[1:])
    header = f"| request | {head} |" + (f" {ratio_head} |" if ratio_head else "")
    lines = [header, "|---|" + "---|" * (len(runs) * 2 - 1)]
    for name in [f["request"] for f in base["figures"]]:
        cells, medians = [], []
        for r in runs:
            figure = next((f for f in r["figures"] if f["request"] == name), None)
            cells.append(f"{figure['median_ms']} ({figure['statements']})" if figure else "—")
            medians.append(figure["median_ms"] if figure else None)
        ratios = [f"{m / medians[0]:.2f}" if m and medians[0] else "—" for m in medians[1:]]
        lines.append(f"| {name} | " + " | ".join(cells) + (" | " + " | ".join(ratios) if ratios else "") + " |")
    return lines


def pages_section(paths: list[Path]) -> str:
    """The pages' figures of every city measured (`make bench-pages`), side by side, smallest first, with the
    ratio of each size to the smallest; runs saved as pages-before-<orders>.json (the code before a change, for
    comparison) in a table of their own."""
    loaded = [(p.stem.startswith("pages-before-"), json.loads(p.read_text(encoding="utf-8"))) for p in paths]
    lines = [
        "### `make bench-pages` — the pages and API calls on a loaded city",
        "",
        "Median of the runs after a warm-up, in process (Django's test client, no network), as the application "
        "role (row-level security on); the district with the most orders, its official, its busiest street's "
        "staff. Ratios are of the medians, each size against the smallest.",
    ]
    for before, title in ((False, "This code"), (True, "Before (the code this branch started from)")):
        runs = sorted((r for b, r in loaded if b == before), key=lambda r: r["orders"])
        if not runs:
            continue
        lines += ["", f"**{title}**", ""]
        lines += [
            f"- {r['orders']:,} orders (`{r['command']}`, database {r['database']}, {r['runs']} runs): {r['when']}, "
            f"{_machine(r['machine'])}."
            for r in runs
        ]
        lines += ["", *_pages_table(runs)]
    return "\n".join(lines)


def regenerate() -> None:
    if (FIGURES / "results.json").exists():
        update("bench", bench_section(json.loads((FIGURES / "results.json").read_text(encoding="utf-8"))))
    for path in sorted(FIGURES.glob("city-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        result = json.loads(path.read_text(encoding="utf-8"))
        update(f"city-{result['orders']}", city_section(result))
    if list(FIGURES.glob("pages-*.json")):
        update("pages", pages_section(sorted(FIGURES.glob("pages-*.json"))))
    if (FIGURES / "peer-results.json").exists():
        update("peer", peer_section(json.loads((FIGURES / "peer-results.json").read_text(encoding="utf-8"))))


if __name__ == "__main__":
    regenerate()
    sys.exit(0)
