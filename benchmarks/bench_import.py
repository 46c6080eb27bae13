"""Benchmark: the cost of `import pfocr_enrich` (issue "Beyond the workflow": under 0.5 s).

    python benchmarks/bench_import.py              # 20 runs of each, medians

Measured as the wall time of `python -c "import pfocr_enrich"` minus that of `python -c pass`, each
in a fresh interpreter, beside `import pandas` (what the top level must not load) and the first
API call's import (`from pfocr_enrich import enrich`, which loads the engine).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

STATEMENTS = {
    "python -c pass": "pass",
    "import pfocr_enrich": "import pfocr_enrich",
    "import pandas": "import pandas",
    "from pfocr_enrich import enrich (loads the engine)": "from pfocr_enrich import enrich",
}


def wall_seconds(statement: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    medians = {label: wall_seconds(statement, args.runs) for label, statement in STATEMENTS.items()}
    baseline = medians["python -c pass"]
    print(f"median of {args.runs} fresh interpreters each; minus `python -c pass` ({baseline * 1000:.0f} ms)")
    print()
    print("| import | time | target |")
    print("|---|---|---|")
    for label, seconds in medians.items():
        if label != "python -c pass":
            target = "< 0.5 s" if label == "import pfocr_enrich" else ""
            print(f"| `{label}` | {(seconds - baseline) * 1000:.0f} ms | {target} |")
    print()
    print("command: " + " ".join(["python", *sys.argv]))


if __name__ == "__main__":
    main()
