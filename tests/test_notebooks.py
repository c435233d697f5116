"""Notebooks run under nbval (lax: they must execute without errors; outputs are not compared).

Each notebook runs in its own pytest process (``--nbval-lax``) on a fresh workspace, so a
notebook that reads ``LEDGERKIT_WORKSPACE`` never touches a real one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["notebooks/dashboard.ipynb"]


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(notebook):
    nb = json.loads((REPO / notebook).read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(not c.get("outputs") and c.get("execution_count") is None for c in code)


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs_under_nbval(notebook, tmp_path):
    from ledgerkit import Session
    ws = tmp_path / "ws"
    with Session(ws, actor="nbval") as s:            # a workspace with one client, so the app has rows
        s.add_client("Nbval Dental", "desk@nbval.test")
    env = dict(os.environ, LEDGERKIT_WORKSPACE=str(ws), MPLCONFIGDIR=str(tmp_path / "mpl"),
               IPYTHONDIR=str(tmp_path / "ipython"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", "-p", "no:cacheprovider",
                           "--rootdir", str(tmp_path), str(REPO / notebook)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "passed" in proc.stdout
