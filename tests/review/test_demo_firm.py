"""The demo firm shows all three review states in realistic proportions; rules preview warns on shadowing."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "firm"


@pytest.mark.skipif(not (SAMPLE / "firm.json").exists(), reason="sample data not generated")
def test_demo_firm_has_all_three_states(session, tmp_path):
    from ledgerkit.demo import build_demo
    build_demo(session)
    total = {"gold": 0, "red": 0, "blue": 0}
    for c in session.clients():
        counts = session.review(c)["counts"]
        for k in total:
            total[k] += counts[k]
    n = sum(total.values())
    assert n > 500
    for state, k in total.items():
        assert 0.15 < k / n < 0.6, (state, total)
    # a rule that an earlier one shadows is flagged before it is saved
    p = tmp_path / "extra.yaml"
    p.write_text("rules:\n  - name: Starbucks reserve\n    scope: firm\n    when: {all: [{field: description, op: "
                 "contains, value: STARBUCKS STORE}, {field: amount, op: lt, value: '-1'}]}\n    then: {account: X}\n")
    session.import_rules(SAMPLE / "rules.yaml")
    before = session.rules()
    rules_text = (SAMPLE / "rules.yaml").read_text() + p.read_text().split("rules:\n", 1)[1]
    both = tmp_path / "both.yaml"
    both.write_text(rules_text)
    preview = session.preview_rules(both)
    assert any("shadowed" in w and "Starbucks reserve" in w for w in preview["warnings"]), preview["warnings"]
    assert session.rules() == before                   # a preview changes nothing
