"""Helpers for the benchmarks: run a whole process, measure wall time and peak memory."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent


def run_process(cmd: list[str], env: dict | None = None) -> dict:
    """Run ``cmd`` to completion; wall seconds and the child's peak RSS in MB.

    Each measured command runs in its own intermediate Python so that
    RUSAGE_CHILDREN reports that command's peak alone.
    """
    wrapper = (
        "import resource,subprocess,sys,time,json;"
        "t=time.perf_counter();rc=subprocess.call(sys.argv[1:]);w=time.perf_counter()-t;"
        "m=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024;"
        "print(json.dumps({'rc':rc,'seconds':w,'peak_mb':m}),file=sys.stderr)"
    )
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    last = proc.stderr.strip().splitlines()[-1]
    result = json.loads(last)
    if result["rc"] != 0:
        raise RuntimeError(f"{cmd} failed: {proc.stderr[-2000:]}")
    return result


def save(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def best_of(n: int, fn) -> dict:
    runs = [fn() for _ in range(n)]
    return min(runs, key=lambda r: r["seconds"]) | {"runs": [round(r["seconds"], 3) for r in runs]}


_ = (resource, time)
