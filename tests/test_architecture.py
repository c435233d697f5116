"""Cheap guards that keep the architecture honest."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def py_files(folder: str):
    return sorted((REPO / folder).rglob("*.py"))


def test_core_never_imports_ui_packages():
    pat = re.compile(r"^\s*(import|from)\s+(ipywidgets|IPython|voila|ipydatagrid|traitlets)\b", re.M)
    offenders = [str(p.relative_to(REPO)) for p in py_files("ledgerkit") if pat.search(p.read_text())]
    assert offenders == []


def test_widgets_never_touch_files_or_sql():
    pat = re.compile(r"\bopen\(|\.write_text\(|\.write_bytes\(|\.read_bytes\(|sqlite3|create_engine|"
                     r"^\s*(import|from)\s+sqlalchemy", re.M)
    offenders = [str(p.relative_to(REPO)) for p in py_files("widgets") if pat.search(p.read_text())]
    assert offenders == []


def test_no_float_in_money_code():
    offenders = [str(p.relative_to(REPO)) for p in py_files("ledgerkit") if re.search(r"\bfloat\(", p.read_text())]
    assert offenders == []


def test_notebooks_committed_without_outputs():
    import json
    for nb in (REPO / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text())["cells"]
        assert not any(c.get("outputs") or c.get("execution_count") for c in cells if c["cell_type"] == "code"), nb
