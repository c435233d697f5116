"""Run every benchmark in this folder (each is also runnable alone) and summarise.

Run: make bench   (or .venv/bin/python benchmarks/run.py [name ...])
Results land in benchmarks/out/*.json; the README records the figures.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = set(sys.argv[1:])
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"\n## {script.stem}\n", flush=True)
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE)
        if rc:
            failed.append(script.stem)
    if failed:
        print(f"\nmissed targets or failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
