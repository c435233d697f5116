"""The import pipeline: file -> archive -> extract -> accounts -> identities -> store.

One file is one atomic unit: it is imported whole or not at all, and a
rejected file leaves the database exactly as it was. Re-importing the same file
is recognised by its SHA-256; an overlapping file adds only rows whose identity
(see ``identity``) the account does not have yet. All row work is done on the
whole batch with polars.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from . import accounts as accounts_mod
from . import documents as documents_mod
from .amounts import with_minor
from .identity import assign_identities
from .importers import ParseError, by_name, detect
from .importers.base import Extract, conform
from .model import FileResult, ImportRecord, ImportStatus, Issue
from .money import exponent
from .money import to_minor as scalar_minor
from .review.frames import texts_in
from .store import Store, schema, sha256_bytes, utcnow

log = logging.getLogger(__name__)
BULK_ROWS = 50_000
LOOKUP_ROWS = 20_000   # up to this many rows, the identities a file repeats are looked up, not the account's all
MAX_LISTED = 20   # issues listed per kind of problem before summarising


class _Reject(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = issues


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named, and every non-hidden file under named folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()
                              and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        else:
            out.append(p)
    return out


# called inside a file's import transaction with the rows it added (``id`` and the bank's facts)
AddedHook = Callable[[sa.Connection, pl.DataFrame], None]
LinkedHook = Callable[[sa.Connection, list[int]], None]   # transactions that just got a check/deposit image


def import_files(store: Store, client_id: int, paths: list[str | Path], *, account_id: int | None = None,
                 actor: str, options: dict | None = None, on_added: AddedHook | None = None,
                 on_linked: LinkedHook | None = None) -> ImportRecord:
    results = [import_file(store, client_id, p, account_id=account_id, actor=actor, options=options,
                           on_added=on_added, on_linked=on_linked)
               for p in expand(paths)]
    return ImportRecord(files=tuple(results))


def import_file(store: Store, client_id: int, path: str | Path, *, data: bytes | None = None,
                account_id: int | None = None, actor: str, options: dict | None = None,
                display_name: str | None = None, on_added: AddedHook | None = None,
                on_linked: LinkedHook | None = None) -> FileResult:
    path = Path(path)
    name = display_name or str(path)
    options = dict(options or {})
    round_amounts = bool(options.pop("round_amounts", False))
    importer_name = options.pop("importer", None)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            return FileResult(name, "", ImportStatus.REJECTED,
                              issues=(Issue(name, "", f"cannot read file: {e.strerror or e}"),))
    sha = sha256_bytes(data)

    def rejected(issues, importer=""):
        return FileResult(name, sha, ImportStatus.REJECTED, importer=importer, issues=tuple(issues))

    with store.connect() as conn:
        done = conn.execute(sa.select(schema.imports.c.id).where(
            schema.imports.c.client_id == client_id, schema.imports.c.sha256 == sha)).first()
    if done:
        return FileResult(name, sha, ImportStatus.ALREADY)
    if not data.strip():
        return rejected([Issue(name, "", "the file is empty")])
    importer = by_name(importer_name) if importer_name else detect(path, data[:65536])
    if importer is None:
        return rejected([Issue(name, "", "not a recognised bank file: expected OFX/QFX/QBO, a bank CSV export "
                                         "(or give --mapping), QIF, a check/deposit image or a statement PDF")])
    try:
        extract = importer.extract(path, data, **options)
    except ParseError as e:
        return rejected([Issue(name, e.where, e.message)], importer.name)
    except Exception as e:  # a fault in an importer must still not crash the caller
        log.exception("importer %s failed on %s", importer.name, name)
        return rejected([Issue(name, "", f"could not read the file ({type(e).__name__}: {e})")], importer.name)
    issues = [Issue(name, i.where, i.message, i.severity) for i in extract.issues]
    if any(i.severity == "error" for i in issues):
        return rejected(issues, importer.name)
    try:
        with store.begin() as conn:
            added, dups, accs, warnings = _write(store, conn, client_id, name, path, data, sha, importer.name,
                                                 extract, account_id, actor, round_amounts, issues, on_added,
                                                 on_linked)
    except _Reject as r:
        return rejected(issues + r.issues, importer.name)
    return FileResult(name, sha, ImportStatus.IMPORTED, importer=importer.name, added=added, duplicates=dups,
                      issues=tuple(issues + warnings), accounts=tuple(accs))


def _amount_units(frame: pl.DataFrame, exps: dict[int, int], name: str, round_amounts: bool
                  ) -> tuple[pl.DataFrame, list[Issue]]:
    """Convert the text amounts to minor units per account exponent; refuse or round excess digits."""
    exp_frame = pl.DataFrame({"account": list(exps), "_exp": list(exps.values())},
                             schema={"account": pl.Int32, "_exp": pl.Int32})
    frame = frame.join(exp_frame, on="account", how="left", maintain_order="left")
    warnings: list[Issue] = []
    frame = with_minor(frame, "amount", "_exp")
    bad = frame.filter(pl.col("_invalid"))
    if bad.height:
        raise _Reject([Issue(name, f"row {r['row']}", f"amount {r['amount']!r} is not a number")
                       for r in bad.head(MAX_LISTED).iter_rows(named=True)])
    over = frame.filter(pl.col("_excess"))
    if over.height:
        if not round_amounts:
            raise _Reject([Issue(name, f"row {r['row']}",
                                 f"amount {r['amount']} has more decimals than the account's currency allows "
                                 f"({r['_exp']}); fix the file or import with rounding")
                           for r in over.head(MAX_LISTED).iter_rows(named=True)])
        fixed = []
        for r in over.iter_rows(named=True):   # rare: only the rows that need rounding
            exact = Decimal(r["amount"])
            units_r = int(exact.scaleb(r["_exp"]).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
            fixed.append((r["row"], r["account"], units_r))
            shown = Decimal(units_r).scaleb(-r["_exp"])
            warnings.append(Issue(name, f"row {r['row']}", f"amount {r['amount']} rounded to {shown}", "warning"))
        fix = pl.DataFrame(fixed, schema={"row": pl.Int64, "account": pl.Int32, "_fixed": pl.Int64}, orient="row")
        frame = frame.join(fix, on=["row", "account"], how="left", maintain_order="left").with_columns(
            units=pl.coalesce("_fixed", "units")).drop("_fixed")
    return frame.drop("_exp", "_invalid", "_excess"), warnings


def _write(store: Store, conn: sa.Connection, client_id: int, name: str, path: Path, data: bytes, sha: str,
           importer: str, extract: Extract, account_id: int | None, actor: str, round_amounts: bool,
           issues: list[Issue], on_added: AddedHook | None = None, on_linked: LinkedHook | None = None
           ) -> tuple[int, int, list[int], list[Issue]]:
    T = schema.transactions
    refs = extract.accounts
    frame = conform(extract.transactions)
    if not refs and frame.height:
        raise _Reject([Issue(name, "", "the importer found transactions but no account")])
    accs = accounts_mod.resolve(conn, client_id, refs, account_id, actor) if refs else []
    exps = {i: exponent(a.currency) for i, a in enumerate(accs)}
    ids = pl.DataFrame({"account": list(range(len(accs))), "account_id": [a.id for a in accs]},
                       schema={"account": pl.Int32, "account_id": pl.Int64})
    warnings: list[Issue] = []
    if frame.height:
        if frame["posted"].null_count():
            r = frame.filter(pl.col("posted").is_null()).row(0, named=True)
            raise _Reject([Issue(name, f"row {r['row']}", "transaction has no date")])
        frame, warnings = _amount_units(frame, exps, name, round_amounts)
        # identities are numbered per statement (the file's own account index); two
        # statements of one account in a file (overlapping periods) share rows, kept once
        frame = assign_identities(frame).join(ids, on="account", how="left", maintain_order="left")
        unique = frame.unique(subset=["account_id", "identity"], keep="first", maintain_order=True)
        # rows the accounts already have (earlier or overlapping files)
        account_ids = [a.id for a in accs]
        known = sa.select(T.c.account_id, T.c.identity).where(T.c.account_id.in_(account_ids))
        if unique.height <= LOOKUP_ROWS:   # a day's or a month's file: look its identities up by index
            known = known.where(texts_in(T.c.identity, unique["identity"].to_list(), conn.dialect.name))
        existing = store.read_frame(conn, known, schema_overrides={"account_id": pl.Int64, "identity": pl.String})
        if existing.height:
            new = unique.join(existing, on=["account_id", "identity"], how="anti", maintain_order="left")
        else:
            new = unique
    else:
        new = frame
    store.archive.put(data, sha)
    if not conn.execute(sa.select(schema.files.c.sha256).where(schema.files.c.sha256 == sha)).first():
        conn.execute(sa.insert(schema.files).values(
            sha256=sha, size=len(data), original_name=path.name, stored_path=str(store.archive.path_for(sha)
                                                                                .relative_to(store.workspace)),
            first_seen=utcnow()))
    all_issues = [{"where": i.where, "message": i.message, "severity": i.severity} for i in issues + warnings]
    import_id = conn.execute(sa.insert(schema.imports).values(
        client_id=client_id, sha256=sha, path=name, importer=importer, added=new.height,
        duplicates=frame.height - new.height, issues=all_issues, actor=actor, created_at=utcnow(),
    )).inserted_primary_key[0]
    if new.height:
        rows = new.select(
            pl.col("account_id"), pl.col("identity"), pl.col("posted"), pl.col("units").alias("amount"),
            "payee", "description", "memo", "check_number", "bank_id", "type",
            pl.lit(sha).alias("source_sha256"), pl.col("row").alias("source_row"),
            pl.lit(import_id).alias("import_id"),
        )
        # a batch larger than the table it joins is loaded faster with its indexes rebuilt
        before = store.row_estimate(conn, T)
        bulk = rows.height >= BULK_ROWS and rows.height > before
        store.insert_frame(conn, T, rows, bulk=bulk)
    _write_balances(conn, extract, accs, sha, name)
    documents_mod.record(conn, store, client_id, extract.documents, sha, path.name, accs)
    linked = documents_mod.link(conn, client_id)
    if on_added is not None and new.height:
        on_added(conn, _with_ids(store, conn, rows, before))
    if on_linked is not None and linked:
        on_linked(conn, linked)
    return new.height, frame.height - new.height, [a.id for a in accs], warnings


def _with_ids(store: Store, conn: sa.Connection, rows: pl.DataFrame, before: int) -> pl.DataFrame:
    """The rows just inserted with their ``id``: one block after ``before`` in frame order when
    the database numbered them so (SQLite always does within one write), else read back."""
    T = schema.transactions
    last = store.row_estimate(conn, T)
    if last - before == rows.height:
        return rows.with_columns(id=pl.int_range(before + 1, last + 1, dtype=pl.Int64))
    got = store.read_frame(conn, sa.select(T.c.id, T.c.account_id, T.c.identity).where(
        T.c.import_id == rows["import_id"][0]), schema_overrides={"id": pl.Int64, "account_id": pl.Int64,
                                                                  "identity": pl.String})
    return rows.join(got, on=["account_id", "identity"], how="left", maintain_order="left")


def _write_balances(conn: sa.Connection, extract: Extract, accs, sha: str, name: str) -> None:
    B = schema.balances
    for b in extract.balances:
        acc = accs[b.account]
        try:
            units = scalar_minor(b.amount, acc.currency, round_excess=False)
        except ValueError as e:
            raise _Reject([Issue(name, f"{b.kind} balance", str(e))]) from None
        conn.execute(sa.insert(B).values(account_id=acc.id, kind=b.kind, amount=units, as_of=b.as_of,
                                         source_sha256=sha))


def today() -> dt.date:
    return dt.date.today()
