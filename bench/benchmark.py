"""How fast is the learner's loop? Run by hand (not in CI), on an idle machine:

    .venv/bin/python bench/benchmark.py [--saves 20] [--postgres URL] [--isolation-only]

(a) `checker kata 1.1` against plain `pytest` on the same check file (medians of 5 runs);
(b) watch mode's save-to-verdict latency (median and p90 over N saves) against a cold
    `checker kata`;
(c) `checker verify` of the whole workbook on SQLite (and Postgres, given a URL), and
    `checker verify --phase N --mutate` of every phase with katas (generated mutants too);
(e) what one app check costs, over ASGI and under uvicorn, against a plain one
    (bench/app_checks.py);
(d) what isolating one check costs: making its database, its first connection, dropping it
    (medians over --checks checks), on SQLite (and Postgres, given a URL).
Everything runs on a private copy of the workbook, so your progress is untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from checker.workbook.catalog import load_catalog

sys.path.insert(0, str(Path(__file__).resolve().parent))
from app_checks import app_check_costs  # noqa: E402  (beside this script, not a package)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path, env: dict[str, str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def watch_latency(copy: Path, saves: int) -> list[float]:
    from checker.cli.commands.watch import WatchSession, _watch_files
    from checker.cli.databases import DatabaseTarget
    from checker.cli.runner.warm import WarmRunner
    from checker.workbook.catalog import load_catalog
    from checker.workbook.kinds import files_of

    catalog = load_catalog(copy)
    kata = catalog.kata("1.1")
    latencies: list[float] = []
    written: list[float] = []
    done = threading.Event()
    with WarmRunner(1) as warm:
        session = WatchSession(catalog, kata, DatabaseTarget("sqlite"), 5.0, warm.launch)
        stop = threading.Event()
        threading.Thread(
            target=_watch_files, args=(copy / "katas", session.events, stop, False), daemon=True
        ).start()
        session.run()  # warm up
        time.sleep(0.5)
        path = files_of(kata).paths(copy / "katas")[0]
        for i in range(saves):
            path.write_text(path.read_text() + f"\n# save {i}\n")
            written.append(time.perf_counter())
            session.events.get()  # the watcher saw it
            changed_at, _ = session.drain()
            session.run()
            latencies.append(time.perf_counter() - written[-1])
            time.sleep(0.2)
        stop.set()
    done.set()
    return latencies


def isolation_costs(postgres: str | None, checks: int) -> list[dict[str, Any]]:
    from checker.cli.databases import normalize_postgres_url
    from checker.plugin.isolation import measure_isolation_cost

    costs = [measure_isolation_cost("sqlite", None, checks)]
    if postgres:
        costs.append(measure_isolation_cost("postgres", normalize_postgres_url(postgres), checks))
    return costs


def print_isolation_costs(costs: list[dict[str, Any]]) -> None:
    print(f"\n(d) per-check isolation, median ms over {costs[0]['n']} checks")
    print(f"{'database':10} {'isolation':10} {'create':>7} {'connect':>8} {'drop':>7} {'total':>7}")
    for cost in costs:
        total = cost["create_ms"] + cost["connect_ms"] + cost["drop_ms"]
        print(
            f"{cost['kind']:10} {cost['isolation']:10} {cost['create_ms']:7.2f} "
            f"{cost['connect_ms']:8.2f} {cost['drop_ms']:7.2f} {total:7.2f}"
        )
        if cost["note"]:
            print(f"  {cost['note']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--postgres", help="a Postgres URL for (c) and (d) on Postgres")
    parser.add_argument("--checks", type=int, default=200, help="checks measured for (d)")
    parser.add_argument("--isolation-only", action="store_true", help="run (d) alone")
    args = parser.parse_args()
    if args.isolation_only:
        print_isolation_costs(isolation_costs(args.postgres, args.checks))
        return
    with tempfile.TemporaryDirectory(prefix="checker-bench-") as folder:
        copy = Path(folder)
        for name in ("phases", "katas", "solutions"):
            shutil.copytree(ROOT / name, copy / name)
        env = dict(os.environ, CHECKER_ROOT=str(copy), NO_COLOR="1")
        rows = []
        cold = timed([str(BIN / "checker"), "kata", "1.1"], copy, env)
        plain = timed(
            [
                str(BIN / "python"),
                "-m",
                "pytest",
                "-q",
                "-p",
                "checker.plugin.hooks",
                "phases/p1_core/test_k01_engine.py",
            ],
            copy,
            env,
        )
        rows.append(
            (
                "(a) checker kata 1.1 (cold)",
                cold,
                f"{cold / plain:.2f}× plain pytest ({plain:.3f} s)",
            )
        )
        os.environ["CHECKER_ROOT"] = str(copy)
        latencies = watch_latency(copy, args.saves)
        median = statistics.median(latencies)
        p90 = statistics.quantiles(latencies, n=10)[-1]
        rows.append(
            (
                "(b) watch: save to verdict, median",
                median,
                f"{median / cold:.2f}× cold checker kata",
            )
        )
        rows.append(("(b) watch: save to verdict, p90", p90, f"over {len(latencies)} saves"))
        katas = len(load_catalog(copy).katas)
        for label, extra in (
            ("SQLite", []),
            ("Postgres", ["--db", "postgres", "--db-url", args.postgres or ""]),
        ):
            if label == "Postgres" and not args.postgres:
                continue
            # cold: no .checker/verify-killers.json yet (a fresh clone); warm: the run after it
            (copy / ".checker" / "verify-killers.json").unlink(missing_ok=True)
            for state in ("cold", "warm"):
                seconds = timed([str(BIN / "checker"), "verify", *extra], copy, env, runs=1)
                rows.append(
                    (
                        f"(c) checker verify, {label}, {state}",
                        seconds,
                        f"{seconds / katas:.2f} s per kata ({katas} katas)",
                    )
                )
            for phase in load_catalog(copy).phases:
                if not phase.katas:
                    continue
                command = ["verify", "--phase", str(phase.number), "--mutate", *extra]
                seconds = timed([str(BIN / "checker"), *command], copy, env, runs=1)
                rows.append(
                    (
                        f"(c) verify --mutate phase {phase.number}, {label}",
                        seconds,
                        f"{seconds / len(phase.katas):.2f} s per kata ({len(phase.katas)} katas)",
                    )
                )
    print(f"{'measure':42} {'median s':>9}  ratio")
    for label, seconds, ratio in rows:
        print(f"{label:42} {seconds:9.3f}  {ratio}")
    print_isolation_costs(isolation_costs(args.postgres, args.checks))
    print("\n(e) one check's own time (setup + call + teardown), median of 5 runs")
    print(f"{'database':10} {'check':18} {'ms':>8}")
    for database, name, seconds in app_check_costs(BIN / "checker", args.postgres):
        print(f"{database:10} {name.removeprefix('test_'):18} {seconds * 1000:8.1f}")


if __name__ == "__main__":
    main()
