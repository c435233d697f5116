"""A small, fixed bookkeeping firm for the export tests, written straight into the store.

The importers and the review engine are exercised elsewhere; here the rows are
inserted as the import pipeline would leave them (transactions with identities,
a source file in the archive, bank-reported balances) and coded as the review
engine would (``codings`` rows, approved). Every gotcha of formats.md has a row:
long payees, ``&``/``<``/``>``, empty memos, identical same-day coffees, card
signs, non-ASCII names, checks, splits, transfers, BLUE matches, formulas.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import sqlalchemy as sa

from ledgerkit.identity import assign_identities
from ledgerkit.store import schema, sha256_bytes, utcnow

D = dt.date


def add_source(session, client_id: int, name: str, data: bytes) -> tuple[str, int]:
    """Archive ``data`` and record an import of it; returns (sha256, import id)."""
    store = session.store
    sha = sha256_bytes(data)
    store.archive.put(data, sha)
    with store.begin() as conn:
        if not conn.execute(sa.select(schema.files.c.sha256).where(schema.files.c.sha256 == sha)).first():
            conn.execute(sa.insert(schema.files).values(sha256=sha, size=len(data), original_name=name,
                                                        stored_path=str(store.archive.path_for(sha)),
                                                        first_seen=utcnow()))
        iid = conn.execute(sa.insert(schema.imports).values(
            client_id=client_id, sha256=sha, path=name, importer="test", added=0, duplicates=0, issues=[],
            actor="tester", created_at=utcnow())).inserted_primary_key[0]
    return sha, iid


def add_transactions(session, client_id: int, account_id: int, rows: list[dict], source: bytes | None = None
                     ) -> list[int]:
    """Insert bank facts (dicts with posted, amount (minor units), payee, description, memo,
    check_number, bank_id, type); returns their ids in order."""
    data = source if source is not None else json.dumps(
        [{**r, "posted": str(r["posted"])} for r in rows], sort_keys=True).encode()
    sha, iid = add_source(session, client_id, f"src-{account_id}.json", data)
    frame = pl.DataFrame([{"account": 0, "posted": r["posted"], "units": r["amount"],
                           "payee": r.get("payee", ""), "description": r.get("description", ""),
                           "memo": r.get("memo", ""), "bank_id": r.get("bank_id", ""),
                           "check_number": r.get("check_number", ""), "type": r.get("type", "")}
                          for r in rows],
                         schema={"account": pl.Int32, "posted": pl.Date, "units": pl.Int64, "payee": pl.String,
                                 "description": pl.String, "memo": pl.String, "bank_id": pl.String,
                                 "check_number": pl.String, "type": pl.String})
    frame = assign_identities(frame)
    out = frame.select(
        pl.lit(account_id).alias("account_id"), "identity", "posted", pl.col("units").alias("amount"), "payee",
        "description", "memo", "check_number", "bank_id", "type", pl.lit(sha).alias("source_sha256"),
        pl.int_range(1, pl.len() + 1).alias("source_row"), pl.lit(iid).alias("import_id"))
    T = schema.transactions
    with session.store.begin() as conn:
        session.store.insert_frame(conn, T, out)
        ids = [r[0] for r in conn.execute(sa.select(T.c.id).where(T.c.import_id == iid).order_by(T.c.source_row))]
    return ids


def add_balance(session, account_id: int, amount: int, as_of: dt.date, sha: str = "0" * 64) -> None:
    with session.store.begin() as conn:
        conn.execute(sa.insert(schema.balances).values(account_id=account_id, kind="ledger", amount=amount,
                                                       as_of=as_of, source_sha256=sha))


def code(session, transaction_id: int, state: str = "approved", **values) -> None:
    """Write (or replace) a codings row as the review engine would."""
    C = schema.codings
    row = {"transaction_id": transaction_id, "state": state, "description": "", "payee": "", "account": "",
           "class_": "", "memo": "", "splits": None, "transfer_to": None, "match_id": None,
           "approved_by": "tester" if state == "approved" else None,
           "approved_at": utcnow() if state == "approved" else None, "updated_at": utcnow(), "version": 1}
    row.update(values)
    with session.store.begin() as conn:
        conn.execute(sa.delete(C).where(C.c.transaction_id == transaction_id))
        conn.execute(sa.insert(C).values(**row))


# The demo firm for goldens: one client, checking + savings + a card.
CHECKING = [
    dict(posted=D(2026, 1, 2), amount=-150000, payee="CHECK 1042", check_number="1042", bank_id="2026010201",
         type="CHECK"),
    dict(posted=D(2026, 1, 5), amount=-450, payee="CORNER CAFE", description="CORNER CAFE #12", type="POS"),
    dict(posted=D(2026, 1, 5), amount=-450, payee="CORNER CAFE", description="CORNER CAFE #12", type="POS"),
    dict(posted=D(2026, 1, 6), amount=250000, payee="ACME CORP PAYROLL", bank_id="2026010601", type="DIRECTDEP",
         memo="PPD ID 1234"),
    dict(posted=D(2026, 1, 7), amount=-8420, payee="SMITH & SONS <BLDG A> PROPERTY MANAGEMENT LLC",
         memo="INV 77 & 78", bank_id="2026010701", type="DEBIT"),
    dict(posted=D(2026, 1, 8), amount=-2599, payee="CAFÉ MÜLLER – ZÜRICH", bank_id="2026010801", type="POS"),
    dict(posted=D(2026, 1, 9), amount=-50000, payee="TRANSFER TO SAVINGS", bank_id="2026010901", type="XFER"),
    dict(posted=D(2026, 1, 12), amount=-12345, payee="=HYPERLINK(\"http://x\")", bank_id="2026011201",
         type="DEBIT", memo="+1 555 0100"),
    dict(posted=D(2026, 1, 13), amount=-30000, payee="OFFICE DEPOT #1123", bank_id="2026011301", type="POS"),
    dict(posted=D(2026, 1, 14), amount=1500, payee="INTEREST PAID", bank_id="2026011401", type="INT"),
    dict(posted=D(2026, 1, 15), amount=-9900, payee="CITY WATER", bank_id="ref.2026/01 15#A", type="DEBIT"),
    dict(posted=D(2026, 1, 16), amount=-4000, payee="CHECK 1043", check_number="1043", bank_id="2026011601",
         type="CHECK"),
]
SAVINGS = [
    dict(posted=D(2026, 1, 9), amount=50000, payee="TRANSFER FROM CHECKING", bank_id="S-2026010901", type="XFER"),
]
CARD = [
    dict(posted=D(2026, 1, 3), amount=-6499, payee="AMAZON MKTPLACE", bank_id="C1", type="DEBIT"),
    dict(posted=D(2026, 1, 10), amount=2000, payee="AMAZON REFUND", bank_id="C2", type="CREDIT"),
    dict(posted=D(2026, 1, 11), amount=100000, payee="PAYMENT - THANK YOU", bank_id="C3", type="PAYMENT"),
    dict(posted=D(2026, 1, 12), amount=-1875, payee="東京 RAMEN", bank_id="C4", type="DEBIT"),
]


def build(session) -> dict:
    """Create the firm; returns ids: client, checking, savings, card, and txn id lists."""
    c = session.add_client("Demo Dental", "office@demo.test")
    chk = session.add_account(c, "Operating Checking", "checking", bank_id="121000248", number="55501234")
    sav = session.add_account(c, "Savings", "savings", bank_id="121000248", number="55509999")
    card = session.add_account(c, "Business Visa", "credit_card", number="4111111111111111")
    ids = {"client": c, "checking": chk, "savings": sav, "card": card}
    ids["chk"] = add_transactions(session, c.id, chk.id, CHECKING)
    ids["sav"] = add_transactions(session, c.id, sav.id, SAVINGS)
    ids["cc"] = add_transactions(session, c.id, card.id, CARD)
    add_balance(session, chk.id, 1_000_000, D(2026, 1, 16))
    add_balance(session, card.id, -45_000, D(2026, 1, 12))
    t = ids["chk"]
    code(session, t[0], payee="Smith & Sons Property", account="Rent Expense", memo="January rent")
    code(session, t[1], payee="Corner Cafe", account="Meals", class_="Admin")
    code(session, t[2], payee="Corner Cafe", account="Meals", class_="Admin")
    code(session, t[3], payee="Acme Corp", account="Consulting Income", memo="Invoice 1001")
    code(session, t[4], payee="Smith & Sons <Bldg A> Property Management LLC", account="Repairs:Building",
         splits=[{"account": "Repairs:Building", "amount": -6000, "memo": "Roof", "class": "Ops"},
                 {"account": "Office Supplies", "amount": -2420, "memo": "", "class": ""}])
    code(session, t[5], payee="Café Müller", account="Meals", memo="Team lunch – Zürich")
    code(session, t[6], transfer_to=ids["savings"].id)
    code(session, t[7], payee="=HYPERLINK(\"http://x\")", account="Office Supplies", memo="+1 555 0100")
    code(session, t[8], payee="Office Depot", account="Office Supplies", match_id=501)   # BLUE
    code(session, t[9], payee="", account="Interest Income")
    code(session, t[10], payee="City Water", account="Utilities")
    code(session, t[11], payee="Bob's Plumbing", account="Repairs:Plumbing", state="gold")  # not approved
    s = ids["sav"]
    code(session, s[0], transfer_to=ids["checking"].id, match_id=777)   # other side of the transfer: BLUE
    cc = ids["cc"]
    code(session, cc[0], payee="Amazon", account="Office Supplies")
    code(session, cc[1], payee="Amazon", account="Office Supplies", memo="Returned toner")
    code(session, cc[2], transfer_to=ids["checking"].id)
    code(session, cc[3], payee="Tokyo Ramen 東京", account="Meals")
    return ids
