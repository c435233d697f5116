"""A transfer between two of the client's accounts is in both accounts' bank data; a
format that adds transactions (IIF, journals) must add it once, Web Connect carries
both sides (each account's statement has its own line)."""

from __future__ import annotations

from pathlib import Path

from ledgerkit import Session

RULES = """rules:
  - name: To savings
    scope: firm
    when: {all: [{field: description, op: contains, value: "TRANSFER TO SAVINGS"}]}
    then: {transfer_to: Savings}
  - name: From checking
    scope: firm
    when: {all: [{field: description, op: contains, value: "TRANSFER FROM CHECKING"}]}
    then: {transfer_to: Checking}
"""


def _csv(tmp: Path, name: str, rows: list[str]) -> Path:
    p = tmp / name
    p.write_text("Date,Description,Amount\n" + "".join(r + "\n" for r in rows))
    return p


def _pair_client(tmp_path: Path):
    """A session with the two transfer rules and a client with a checking and a savings account."""
    s = Session(tmp_path / "ws", actor="tester")
    (tmp_path / "rules.yaml").write_text(RULES)
    s.import_rules(tmp_path / "rules.yaml")
    c = s.add_client("Pair Co", "pair@example.test")
    return s, c, s.add_account(c, "Checking", "checking"), s.add_account(c, "Savings", "savings")


def test_transfer_pair_is_added_once(tmp_path):
    s, c, chk, sav = _pair_client(tmp_path)
    s.import_files(c, [_csv(tmp_path, "chk.csv", ["03/02/2026,TRANSFER TO SAVINGS,-500.00",
                                                  "03/09/2026,TRANSFER TO SAVINGS,-500.00",
                                                  "03/03/2026,OFFICE DEPOT,-20.00"])], account=chk.id)
    s.import_files(c, [_csv(tmp_path, "sav.csv", ["03/03/2026,TRANSFER FROM CHECKING,500.00",
                                                  "03/10/2026,TRANSFER FROM CHECKING,500.00"])], account=sav.id)
    review = s.review(c)
    assert review["counts"]["red"] == 4 and review["counts"]["gold"] == 1
    s.code(c, next(t["id"] for t in review["transactions"] if t["state"] == "gold"), "Office Supplies")
    s.approve(c, states=["red"])
    iif = s.export(c, "iif", tmp_path / "out.iif")
    text = Path(iif.files[0].path).read_text()
    assert text.count("\nTRNS\t") + text.startswith("TRNS\t") == 3      # two transfers once each + the purchase
    assert text.count("TRANSFER") >= 2
    assert iif.transactions == 3                      # what the file adds
    # every row of the pairs was recorded in the batch: nothing is left to export
    assert s.export_preview(c, "qbo")["transactions"] == 0
    s.close()


def test_web_connect_carries_both_sides(tmp_path):
    s, c, chk, sav = _pair_client(tmp_path)
    s.import_files(c, [_csv(tmp_path, "chk.csv", ["03/02/2026,TRANSFER TO SAVINGS,-500.00"])], account=chk.id)
    s.import_files(c, [_csv(tmp_path, "sav.csv", ["03/03/2026,TRANSFER FROM CHECKING,500.00"])], account=sav.id)
    s.approve(c, states=["red"])
    qbo = s.export(c, "qbo", tmp_path / "out.qbo")
    assert sorted(f.transactions for f in qbo.files) == [1, 1]
    s.close()
