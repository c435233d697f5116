import datetime as dt

import polars as pl

from ledgerkit.identity import assign_identities


def frame(rows):
    return pl.DataFrame(rows, schema={"account": pl.Int32, "posted": pl.Date, "units": pl.Int64, "payee": pl.String,
                                      "description": pl.String, "memo": pl.String, "bank_id": pl.String},
                        orient="row")


D = dt.date(2026, 1, 5)


def test_identical_same_day_rows_stay_distinct_and_stable():
    f = frame([(0, D, -450, "", "COFFEE", "", ""), (0, D, -450, "", "COFFEE", "", ""),
               (0, D, -450, "", "coffee  ", "", "")])
    ids = assign_identities(f)["identity"].to_list()
    assert len(set(ids)) == 3
    # the same rows in another file give the same identities
    assert assign_identities(f)["identity"].to_list() == ids
    # case/space-insensitive text: row 3 is the third occurrence of the same text
    assert all(i.startswith("H:") for i in ids)


def test_bank_ids_scoped_and_repeated_ids_kept():
    f = frame([(0, D, -100, "", "A", "", "X1"), (0, D, -200, "", "B", "", "X1"), (1, D, -100, "", "A", "", "X1")])
    assert assign_identities(f)["identity"].to_list() == ["F:X1", "F:X1#2", "F:X1"]


def test_identity_does_not_depend_on_row_order_of_other_rows():
    a = frame([(0, D, -1, "", "A", "", ""), (0, D, -2, "", "B", "", "")])
    b = frame([(0, D, -2, "", "B", "", ""), (0, D, -1, "", "A", "", "")])
    assert sorted(assign_identities(a)["identity"]) == sorted(assign_identities(b)["identity"])


def test_identities_are_pinned_forever():
    """Identities are stored and exported as FITIDs: they must never drift between versions."""
    f = frame([(0, D, -450, "", "COFFEE", "", ""), (0, D, -450, "", "COFFEE", "", ""),
               (0, D, 100, "X", "Dep", "m", "FIT1"), (0, D, 100, "X", "Dep", "m", "FIT1"),
               (1, D, -1, "", "a  B", "", "")])
    assert assign_identities(f)["identity"].to_list() == [
        "H:1ae26a1917457dad3fea765a", "H:3cc2c2b207f4a992aaae36a4", "F:FIT1", "F:FIT1#2",
        "H:143768d57c6a67561ad64b7e"]
