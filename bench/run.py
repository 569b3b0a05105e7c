"""Run every benchmark in ``bench/`` (each in its own process), collect the JSON lines into
``bench/results.json`` and rewrite the table in ``docs/PERFORMANCE.md``.

    python -m bench.run              # all
    python -m bench.run event_append  # only modules whose name contains a word given
    python -m bench.run --dry feed    # run and print, but leave results.json and the doc alone
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DOC = ROOT / "docs" / "PERFORMANCE.md"
START = "<!-- bench-table:start -->"
END = "<!-- bench-table:end -->"


def modules(selected: list[str]) -> list[str]:
    names = sorted(p.stem for p in BENCH.glob("bench_*.py"))
    if selected:
        names = [n for n in names if any(s in n for s in selected)]
    return names


def run_one(name: str) -> list[dict]:
    print(f"# {name}", file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    rows = []
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            row = json.loads(line)
            row["module"] = name
            rows.append(row)
            print(line, flush=True)
    if proc.returncode != 0:
        rows.append({"name": name, "module": name, "value": None, "unit": "error",
                     "baseline": None, "ratio": None,
                     "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]})
        print(proc.stderr[-2000:], file=sys.stderr)
    return rows


def fmt(v: object) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    return str(v)


def table(rows: list[dict]) -> str:
    out = ["| benchmark | value | unit | raw baseline | ratio | target |",
           "|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['name']} | {fmt(r.get('value'))} | {r.get('unit', '')} | "
                   f"{fmt(r.get('baseline'))} | {fmt(r.get('ratio'))} | {r.get('target', '')} |")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Run Gridline's benchmarks.")
    ap.add_argument("select", nargs="*", help="run only modules whose name contains a word given")
    ap.add_argument("--dry", action="store_true",
                    help="print the rows; do not write bench/results.json or docs/PERFORMANCE.md")
    opts = ap.parse_args(argv)
    argv = opts.select
    names = modules(argv)
    if not names:
        ap.error(f"no benchmark matches {' '.join(argv)!r}; there are: "
                 + ", ".join(modules([])))
    rows: list[dict] = []
    for name in names:
        rows.extend(run_one(name))
    if opts.dry:
        return 0 if all(r.get("unit") != "error" for r in rows) else 1
    old: dict[str, dict] = {}
    earlier: list[str] = []
    results = BENCH / "results.json"
    command = "make bench" + (f" ARGS='{' '.join(argv)}'" if argv else "")
    if argv and results.exists():
        saved = json.loads(results.read_text())
        # the rows of the modules run now are replaced whole (an earlier error row too)
        old = {r["name"]: r for r in saved["results"] if r.get("module") not in names}
        earlier = saved["meta"].get("commands") or [saved["meta"].get("command", "")]
    for r in rows:
        r["command"] = command
    merged = {**old, **{r["name"]: r for r in rows}}
    kept = {r.get("command") for r in merged.values()}
    commands = [c for c in dict.fromkeys([*earlier, command]) if c and (c in kept or not argv)]
    meta = {"when": time.strftime("%Y-%m-%d %H:%M:%S %z"), "python": platform.python_version(),
            "cpus": psutil.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30),
            "command": command, "commands": commands}
    results.write_text(json.dumps({"meta": meta, "results": list(merged.values())},
                                  ensure_ascii=False, indent=1) + "\n")
    text = DOC.read_text() if DOC.exists() else f"# Performance\n\n{START}\n{END}\n"
    runs = ", then ".join(f"`{c}`" for c in commands)
    body = (f"{START}\nLast run {meta['when']} on {meta['cpus']} cores, {meta['memory_gib']} GiB, "
            f"Python {meta['python']}; produced by {runs}.\n\n"
            f"{table(list(merged.values()))}\n{END}")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOC.write_text(head + body + tail)
    return 0 if all(r.get("unit") != "error" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
