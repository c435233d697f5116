"""ofxtools behind one door: a strict reading of an OFX file as an ``ofx_reader.Document``.

Why: ofxtools follows the OFX specification closely, so it is ledgerkit's
reference for what a well-formed file means: the corpus test checks the
tolerant reader against it, and ``OfxImporter.extract(..., strict=True)`` uses
it to refuse anything off-spec. ofxtools' ALL-CAPS, spec-mirroring names stay in
this module; the rest of ledgerkit sees only ``Document``.

Dates are taken as written (the first eight digits of DTPOSTED / DTASOF, as the
tolerant reader does); ofxtools' own values are shifted to UTC.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from decimal import Decimal

import polars as pl
from ofxtools.Parser import OFXTree

from .base import ParseError
from .ofx_reader import TXN_COLUMNS, Balance, Document, Statement

_KINDS = {"STMTRS": "bank", "CCSTMTRS": "card"}


def _date(raw: str | None) -> dt.date:
    """The calendar date as written (ofxtools already checked the text)."""
    raw = (raw or "").strip()
    return dt.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))


def _plain(value: Decimal) -> str:
    return format(value, "f")


def read_strict(data: bytes) -> Document:
    """Parse and validate with ofxtools (``OFXTree.parse`` + ``convert``).

    Raises ParseError with ofxtools' message for anything it refuses.
    """
    tree = OFXTree()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tree.parse(io.BytesIO(data))
            ofx = tree.convert()
        except Exception as e:  # ofxtools signals bad input with many exception types; all are file problems
            raise ParseError(f"ofxtools cannot read the file: {type(e).__name__}: {e}") from None
    doc = Document(notes=[("", f"ofxtools: {w.message}") for w in caught])
    doc.version = str(getattr(tree.header, "version", ""))
    sonrs = ofx.signonmsgsrsv1.sonrs if ofx.signonmsgsrsv1 is not None else None
    if sonrs is not None and sonrs.fi is not None:
        doc.institution = sonrs.fi.org or ""
    if sonrs is not None and sonrs.status.code != 0:
        doc.server_messages.append(f"{sonrs.status.severity} {sonrs.status.code}: {sonrs.status.message or ''}")

    root = tree.getroot()
    rows = {id(e): n for n, e in enumerate(root.iter("STMTTRN"), 1)}
    elems = [e for e in root.iter() if e.tag in _KINDS]
    models = [s for s in ofx.statements if type(s).__name__ in _KINDS]
    doc.investment_statements = sum(type(s).__name__ == "INVSTMTRS" for s in ofx.statements)
    if len(elems) != len(models):
        raise ParseError(f"ofxtools found {len(models)} statements where the file has {len(elems)}")
    for n, (elem, stmt) in enumerate(zip(elems, models, strict=True), 1):
        doc.statements.append(_statement(elem, stmt, n, rows))
    return doc


def _statement(elem, stmt, n: int, rows: dict[int, int]) -> Statement:
    tag = elem.tag
    st = Statement(kind=_KINDS[tag], where=f"{tag} {n}", currency=stmt.curdef or "")
    acct = stmt.account
    st.account_id = acct.acctid or ""
    if tag == "STMTRS":
        st.bank_id, st.branch_id = acct.bankid or "", acct.branchid or ""
        st.account_type = acct.accttype or ""
    for kind, agg, model in (("ledger", "LEDGERBAL", stmt.ledgerbal), ("available", "AVAILBAL", stmt.availbal)):
        if model is not None:
            st.balances.append(Balance(kind, model.balamt, _date(elem.find(agg).findtext("DTASOF"))))
    tranlist = elem.find("BANKTRANLIST")
    trn_elems = tranlist.findall("STMTTRN") if tranlist is not None else []
    trns = list(stmt.banktranlist or [])
    cols: dict[str, list] = {c: [] for c in TXN_COLUMNS}
    for te, trn in zip(trn_elems, trns, strict=True):
        payee = trn.payee.name if trn.payee is not None else ""
        cols["row"].append(rows[id(te)])
        cols["posted"].append(_date(te.findtext("DTPOSTED")))
        cols["amount"].append(_plain(trn.trnamt))
        cols["name"].append(trn.name or payee or "")
        cols["memo"].append(trn.memo or "")
        cols["check_number"].append(trn.checknum or "")
        cols["fitid"].append(trn.fitid or "")
        cols["trntype"].append(trn.trntype or "")
    st.transactions = pl.DataFrame(cols, schema=TXN_COLUMNS)
    return st

