"""The client's register: the books as the accounting package already has them.

Readers (pure: bytes in, a frame and issues out):

- ``read_iif``: a QuickBooks Desktop IIF export. Every TRNS and SPL line is a
  line on some account; lines on bank and card accounts (``!ACCNT`` types
  BANK/CCARD, else the accounts that carry TRNS lines) become register entries
  of that account, with the other lines' account as the category. IIF amounts
  are debits positive, which for a bank or card account is money in, the same
  sign convention as ledgerkit's transactions.
- ``read_qb_csv``: a QuickBooks register or transaction-detail CSV report
  (Desktop or Online): the header row is found by its column names; section
  rows ("Checking") name the account, "Total ..." rows are skipped; amounts
  come from Amount, Debit/Credit, Payment/Deposit or Charge/Payment.
- ``read_mapped_csv``: any CSV with a column mapping such as
  ``"date=Date,amount=Amount,payee=Name,number=Num,memo=Memo,category=Account"``.

``import_register`` writes a file's entries into the store (atomic, archived,
idempotent like bank imports: re-importing or overlapping files add nothing).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from .. import accounts as accounts_mod
from .. import audit
from ..amounts import normalize_text, to_minor
from ..errors import Invalid
from ..identity import assign_identities
from ..model import Account, Issue
from ..money import exponent
from ..store import Store, schema, sha256_bytes, utcnow
from ..store import review_tables as rt

LINE_SCHEMA = {
    "row": pl.Int64, "register_account": pl.String, "posted": pl.Date, "amount": pl.String, "payee": pl.String,
    "memo": pl.String, "check_number": pl.String, "category": pl.String, "txn_type": pl.String,
    "ref": pl.String, "bankish": pl.Boolean,
}
BANK_TYPES = {"BANK", "CCARD", "CREDIT CARD", "CREDITCARD"}
NOT_BANK = {"accounts receivable", "accounts payable", "undeposited funds", "opening balance equity"}
_FORMATS = {"iif": "QuickBooks IIF", "qb-csv": "QuickBooks CSV", "csv": "CSV", "export": "ledgerkit export"}


@dataclass
class RegisterFile:
    format: str
    lines: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_dates(expr: pl.Expr) -> pl.Expr:
    """US-style register dates: 1/5/2024, 01/05/24, 2024-01-05, 01-05-2024, 1.5.2024."""
    s = expr.fill_null("").str.strip_chars().str.replace(r"\s.*$", "").str.replace_all(r"[.]", "/")
    return pl.coalesce(
        pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$")).then(s.str.strptime(pl.Date, "%m/%d/%Y", strict=False)),
        pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{2}$")).then(s.str.strptime(pl.Date, "%m/%d/%y", strict=False)),
        pl.when(s.str.contains(r"^\d{4}-\d{1,2}-\d{1,2}$")).then(s.str.strptime(pl.Date, "%Y-%m-%d", strict=False)),
        pl.when(s.str.contains(r"^\d{1,2}-\d{1,2}-\d{4}$")).then(s.str.strptime(pl.Date, "%m-%d-%Y", strict=False)),
    )


# -- IIF -------------------------------------------------------------------------

def _iif_cells(line: str) -> list[str]:
    return [c[1:-1] if len(c) >= 2 and c[0] == c[-1] == '"' else c for c in line.rstrip("\r\n").split("\t")]


def read_iif(data: bytes, name: str = "") -> RegisterFile:
    text = _decode(data)
    headers: dict[str, list[str]] = {}
    issues: list[Issue] = []
    bank_names: set[str] = set()
    declared = False
    txns: list[list[tuple[int, dict]]] = []
    current: list[tuple[int, dict]] | None = None
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = _iif_cells(line)
        tag = cells[0].strip().upper()
        if tag.startswith("!"):
            headers[tag[1:]] = [c.strip().upper() for c in cells]
            continue
        head = headers.get(tag)
        if tag in ("TRNS", "SPL") and head is None:
            raise Invalid(f"{name}: line {no}: {tag} line before its !{tag} header; is this an IIF export?")
        rec = dict(zip(head or [], cells, strict=False))
        if tag == "ACCNT":
            declared = True
            if rec.get("ACCNTTYPE", "").strip().upper() in BANK_TYPES:
                bank_names.add(rec.get("NAME", "").strip())
        elif tag == "TRNS":
            if current is not None:
                issues.append(Issue(name, f"line {no}", "a transaction without ENDTRNS; read up to the next TRNS",
                                    "warning"))
                txns.append(current)
            current = [(no, rec)]
        elif tag == "SPL":
            if current is None:
                issues.append(Issue(name, f"line {no}", "SPL line outside a transaction; skipped", "warning"))
                continue
            current.append((no, rec))
        elif tag == "ENDTRNS":
            if current is not None:
                txns.append(current)
            current = None
    if current is not None:
        txns.append(current)
    if not txns and "TRNS" not in headers:
        raise Invalid(f"{name}: no !TRNS header: not a QuickBooks IIF transaction export")
    trns_accounts = {t[0][1].get("ACCNT", "").strip() for t in txns}
    if not declared or not bank_names:
        bank_names = {a for a in trns_accounts if a and a.lower() not in NOT_BANK}
    rows = []
    for t in txns:
        top = t[0][1]
        for i, (no, rec) in enumerate(t):
            others = [r.get("ACCNT", "").strip() for j, (_, r) in enumerate(t) if j != i]
            category = others[0] if len(set(others)) == 1 else ("-split-" if others else "")
            acc = rec.get("ACCNT", "").strip()
            rows.append((no, acc, rec.get("DATE") or top.get("DATE", ""), rec.get("AMOUNT", ""),
                         rec.get("NAME") or top.get("NAME", ""), rec.get("MEMO") or top.get("MEMO", ""),
                         rec.get("DOCNUM") or top.get("DOCNUM", ""), category,
                         top.get("TRNSTYPE", ""), top.get("TRNSID", ""), acc in bank_names))
    raw = pl.DataFrame(rows, orient="row", schema={
        "row": pl.Int64, "register_account": pl.String, "date": pl.String, "amount": pl.String,
        "payee": pl.String, "memo": pl.String, "check_number": pl.String, "category": pl.String,
        "txn_type": pl.String, "ref": pl.String, "bankish": pl.Boolean})
    return RegisterFile("iif", _finish(raw, name, issues), issues)


# -- CSV ------------------------------------------------------------------------

_SYNONYMS = {
    "date": ("date", "trans date", "transaction date", "txn date", "posted", "posting date"),
    "number": ("num", "number", "no", "ref no", "ref", "check no", "check number", "check", "doc num", "docnum"),
    "payee": ("name", "payee", "vendor", "payee name", "customer", "vendor name"),
    "memo": ("memo", "memo description", "description", "memo/description"),
    "account": ("account", "account name", "acct", "account full name"),
    "split": ("split", "split account", "other account"),
    "type": ("type", "transaction type", "trans type", "txn type"),
    "amount": ("amount",),
    "debit": ("debit",),
    "credit": ("credit",),
    "payment": ("payment",),
    "deposit": ("deposit",),
    "charge": ("charge",),
    "increase": ("increase",),
    "decrease": ("decrease",),
    "category": ("category",),
}


def _norm_header(h: str) -> str:
    return re.sub(r"[^a-z0-9/]+", " ", h.lower()).strip().replace(" / ", "/")


def _find_columns(header: list[str]) -> dict[str, int]:
    normed = [_norm_header(h) for h in header]
    found: dict[str, int] = {}
    for key, names in _SYNONYMS.items():
        for i, h in enumerate(normed):
            if h in names and i not in found.values():
                found[key] = i
                break
    return found


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def _amount_column(cols: dict[str, int], row: list[str]) -> str:
    def cell(key):
        i = cols.get(key)
        return row[i].strip() if i is not None and i < len(row) else ""

    def neg(v):
        v = v.strip()
        return "" if not v else (v[1:] if v.startswith("-") else "-" + v)

    if "amount" in cols:
        return cell("amount")
    if "charge" in cols and "payment" in cols:     # a card register: charges are money out
        return cell("payment") or neg(cell("charge"))
    for inflow, outflow in (("deposit", "payment"), ("debit", "credit"), ("increase", "decrease")):
        if inflow in cols or outflow in cols:
            return cell(inflow) or neg(cell(outflow))
    return ""


def read_qb_csv(data: bytes, name: str = "", mapping: dict[str, str] | None = None) -> RegisterFile:
    rows = _csv_rows(data)
    issues: list[Issue] = []
    if mapping:
        if not rows:
            raise Invalid(f"{name}: the file is empty")
        header = [h.strip() for h in rows[0]]
        lookup = {h.lower(): i for i, h in enumerate(header)}
        cols = {}
        for key, col in mapping.items():
            if key == "date_format":
                continue
            if col.lower() not in lookup:
                raise Invalid(f"{name}: the mapping names column {col!r}, which the file does not have "
                              f"(columns: {', '.join(header)})")
            cols[key] = lookup[col.lower()]
        if "date" not in cols or not ({"amount", "debit", "credit", "payment", "deposit"} & set(cols)):
            raise Invalid(f"{name}: the mapping needs date= and amount= (or debit=/credit=)")
        start, fmt = 1, "csv"
    else:
        start, cols, fmt = -1, {}, "qb-csv"
        for i, row in enumerate(rows[:40]):
            found = _find_columns(row)
            if "date" in found and ({"amount", "debit", "credit", "payment", "deposit", "charge", "increase"}
                                    & set(found)):
                start, cols = i + 1, found
                break
        if start < 0:
            raise Invalid(f"{name}: no header row with a Date and an Amount (or Debit/Credit, Payment/Deposit) "
                          "column: not a QuickBooks register or transaction-detail report; use a mapping")
    has_split = "split" in cols
    section = ""
    out = []
    date_i = cols["date"]
    for no, row in enumerate(rows[start:], start + 1):
        if not any(c.strip() for c in row):
            continue
        date = row[date_i].strip() if date_i < len(row) else ""
        if not date:
            first = next((c.strip() for c in row if c.strip()), "")
            if first.lower().startswith("total"):
                continue
            if first and not any(ch.isdigit() for ch in first[:1]):
                section = first
            continue
        def cell(key, row=row):
            i = cols.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""
        account = cell("account")
        if mapping is not None:
            register_account, category = account or section, cell("category") or cell("split")
        elif has_split:
            register_account, category = account or section, cell("split")
        else:
            register_account, category = section, account or cell("category")
        out.append((no, register_account, date, _amount_column(cols, row), cell("payee"), cell("memo"),
                    cell("number"), category, cell("type"), "", True))
    raw = pl.DataFrame(out, orient="row", schema={
        "row": pl.Int64, "register_account": pl.String, "date": pl.String, "amount": pl.String,
        "payee": pl.String, "memo": pl.String, "check_number": pl.String, "category": pl.String,
        "txn_type": pl.String, "ref": pl.String, "bankish": pl.Boolean})
    date_format = (mapping or {}).get("date_format")
    return RegisterFile(fmt, _finish(raw, name, issues, date_format), issues)


def read_mapped_csv(data: bytes, mapping: dict[str, str], name: str = "") -> RegisterFile:
    return read_qb_csv(data, name, mapping)


def parse_mapping(text: str) -> dict[str, str]:
    """``"date=Date,amount=Amount,payee=Name"`` -> dict (keys: date, amount, debit, credit,
    payment, deposit, payee, memo, number, category, account, type, date_format)."""
    allowed = {"date", "amount", "debit", "credit", "payment", "deposit", "payee", "memo", "number", "category",
               "account", "type", "date_format"}
    out = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, col = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in allowed:
            raise Invalid(f"register mapping: {part.strip()!r}: expected one of {', '.join(sorted(allowed))}=COLUMN")
        out[key] = col.strip()
    return out


def _finish(raw: pl.DataFrame, name: str, issues: list[Issue], date_format: str | None = None) -> pl.DataFrame:
    """Parse dates and amounts; rows that cannot be read become issues."""
    if date_format:
        posted = pl.col("date").str.strip_chars().str.strptime(pl.Date, date_format, strict=False)
    else:
        posted = parse_dates(pl.col("date"))
    frame = raw.with_columns(posted=posted, amount=normalize_text(pl.col("amount")))
    bad_date = frame.filter(pl.col("posted").is_null())
    for r in bad_date.head(20).iter_rows(named=True):
        issues.append(Issue(name, f"line {r['row']}", f"not a date: {r['date']!r}; line skipped", "warning"))
    if bad_date.height > 20:
        issues.append(Issue(name, "", f"{bad_date.height - 20} more lines without a readable date skipped", "warning"))
    frame = frame.filter(pl.col("posted").is_not_null())
    units, invalid, _ = to_minor(pl.col("amount"), 6)
    frame = frame.with_columns(_bad=invalid | units.is_null())
    for r in frame.filter("_bad").head(20).iter_rows(named=True):
        issues.append(Issue(name, f"line {r['row']}", f"not an amount: {r['amount']!r}; line skipped", "warning"))
    frame = frame.filter(~pl.col("_bad"))
    return frame.select(list(LINE_SCHEMA)).cast(LINE_SCHEMA)


def detect_format(path: Path, data: bytes) -> str:
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.upper().startswith((b"!TRNS", b"!ACCNT", b"!HDR", b"!SPL", b"!VEND", b"!CUST", b'"!TRNS')) \
            or path.suffix.lower() == ".iif":
        return "iif"
    return "qb-csv"


def read_file(path: Path, data: bytes, mapping: dict[str, str] | None = None) -> RegisterFile:
    name = str(path)
    if mapping:
        return read_mapped_csv(data, mapping, name)
    if detect_format(path, data) == "iif":
        return read_iif(data, name)
    return read_qb_csv(data, name)


# -- into the store ----------------------------------------------------------------

@dataclass(frozen=True)
class RegisterImport:
    path: str
    sha256: str
    format: str
    added: int = 0
    duplicates: int = 0
    skipped: int = 0
    accounts: dict[str, int] = field(default_factory=dict)     # register account name -> ledgerkit account id
    issues: tuple[Issue, ...] = ()
    already: bool = False
    pending: tuple[str, ...] = ()          # register accounts waiting for a ledgerkit account

    def to_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "format": self.format, "added": self.added,
                "duplicates": self.duplicates, "skipped": self.skipped, "accounts": self.accounts,
                "pending": list(self.pending),
                "already_imported": self.already,
                "issues": [{"where": i.where, "message": i.message, "severity": i.severity} for i in self.issues]}


def _slug(text: str) -> str:
    return "-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") + "-"


def _resolve_names(names: list[str], bankish: set[str], accs: list[Account], chosen: Account | None,
                   explicit: dict[str, int]) -> dict[str, int]:
    """Register account name -> ledgerkit account id."""
    out: dict[str, int] = {}
    by_name = {a.name.strip().lower(): a.id for a in accs}
    for n in names:
        if n in explicit:
            out[n] = explicit[n]
            continue
        low = n.strip().lower()
        if chosen is not None and low == chosen.name.strip().lower():
            out[n] = chosen.id
        elif chosen is None and low in by_name:
            out[n] = by_name[low]
        elif chosen is None:
            digits = re.findall(r"\d{4,}", n)
            hits = [a for a in accs if a.number and any(a.number.endswith(d[-4:]) for d in digits)]
            if len(hits) != 1:   # "business-checking_register_2026-Q1" names "Business Checking"
                hits = [a for a in accs if _slug(a.name) and _slug(a.name) in _slug(n)]
                hits = [a for a in hits if len(_slug(a.name)) == max(len(_slug(h.name)) for h in hits)]
            if len(hits) == 1:
                out[n] = hits[0].id
    candidates = [n for n in names if n in bankish and n not in out]
    if chosen is not None and chosen.id not in out.values():
        if len(candidates) == 1:
            out[candidates[0]] = chosen.id
        elif "" in names and not [n for n in names if n]:
            out[""] = chosen.id
    if chosen is None and not out and len(accs) == 1 and len(candidates) == 1:
        out[candidates[0]] = accs[0].id
    if chosen is None and not out and len(accs) == 1 and names == [""]:
        out[""] = accs[0].id
    return out


def import_register(store: Store, client_id: int, path: str | Path, *, account: Account | None = None,
                    names: dict[str, int] | None = None, mapping: dict[str, str] | None = None, actor: str,
                    data: bytes | None = None, display_name: str | None = None) -> RegisterImport:
    path = Path(path)
    label = display_name or str(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise Invalid(f"cannot read {path}: {e.strerror or e}") from None
    sha = sha256_bytes(data)
    RI, RE = rt.register_imports, rt.register_entries
    with store.connect() as conn:
        if conn.execute(sa.select(RI.c.id).where(RI.c.client_id == client_id, RI.c.sha256 == sha)).first():
            return RegisterImport(label, sha, detect_format(path, data), already=True)
    if not data.strip():
        raise Invalid(f"{label}: the file is empty")
    reg = read_file(path, data, mapping)
    issues = [Issue(label, i.where, i.message, i.severity) for i in reg.issues]
    # a register of one account that does not name it: the file name may ("business-checking_register.csv")
    lines = reg.lines.with_columns(pl.col("register_account").replace("", path.stem))
    with store.begin() as conn:
        accs = accounts_mod.for_client(conn, client_id)
        all_names = sorted(set(lines["register_account"].to_list()))
        bankish = set(lines.filter("bankish")["register_account"].to_list())
        if account is None and not bankish:
            raise Invalid(f"{label}: no bank or card account in this register; pass --account")
        mapped = _resolve_names(all_names, bankish, accs, account, names or {})
        if account is not None and not mapped:
            shown = ", ".join(repr(n) for n in sorted(bankish) if n) or "(none named)"
            raise Invalid(f"{label}: cannot tell which register account is {account.name!r} "
                          f"(register accounts: {shown}); name the account the same")
        # register accounts without a ledgerkit account yet wait for one of that name
        pending = [n for n in sorted(bankish) if n and n not in mapped] if account is None else []
        for n in pending:
            cnt = lines.filter(pl.col("register_account") == n).height
            issues.append(Issue(label, "", f"register account {n!r} has no ledgerkit account yet; its {cnt} "
                                           "entries wait for an account of that name", "warning"))
        ids = pl.DataFrame({"register_account": list(mapped) + pending,
                            "account_id": list(mapped.values()) + [None] * len(pending)},
                           schema={"register_account": pl.String, "account_id": pl.Int64})
        frame = lines.join(ids, on="register_account", how="inner", maintain_order="left")
        exps = pl.DataFrame({"account_id": [a.id for a in accs], "_exp": [exponent(a.currency) for a in accs]},
                            schema={"account_id": pl.Int64, "_exp": pl.Int32})
        frame = frame.join(exps, on="account_id", how="left", maintain_order="left").with_columns(
            pl.col("_exp").fill_null(2))
        units, _invalid, excess = to_minor(pl.col("amount"), pl.col("_exp"))
        frame = frame.with_columns(units=units, _excess=excess)
        bad = frame.filter(pl.col("_excess"))
        for r in bad.head(20).iter_rows(named=True):
            issues.append(Issue(label, f"line {r['row']}", f"amount {r['amount']} has more decimals than the "
                                                           "account's currency; line skipped", "warning"))
        frame = frame.filter(~pl.col("_excess") & pl.col("units").is_not_null())
        frame = frame.with_columns(_grp=pl.col("register_account").rank("dense").cast(pl.Int32))
        ident = frame.select(
            pl.col("_grp").alias("account"), "posted", "units", "payee",
            pl.concat_str([pl.col("memo"), pl.col("check_number"), pl.col("register_account")], separator="|")
            .alias("description"), pl.lit("").alias("memo"), pl.lit("").alias("bank_id"))
        frame = frame.with_columns(identity=assign_identities(ident)["identity"])
        existing = store.read_frame(conn, sa.select(RE.c.account_id, RE.c.register_account, RE.c.identity).where(
            RE.c.client_id == client_id),
            schema_overrides={"account_id": pl.Int64, "register_account": pl.String, "identity": pl.String})
        known = existing.select(pl.coalesce(pl.col("account_id").cast(pl.String),
                                            pl.lit("?") + pl.col("register_account")).alias("_k"), "identity")
        frame = frame.with_columns(_k=pl.coalesce(pl.col("account_id").cast(pl.String),
                                                  pl.lit("?") + pl.col("register_account")))
        new = frame.join(known, on=["_k", "identity"], how="anti", maintain_order="left") \
            if known.height else frame
        store.archive.put(data, sha)
        if not conn.execute(sa.select(schema.files.c.sha256).where(schema.files.c.sha256 == sha)).first():
            conn.execute(sa.insert(schema.files).values(
                sha256=sha, size=len(data), original_name=path.name,
                stored_path=str(store.archive.path_for(sha).relative_to(store.workspace)), first_seen=utcnow()))
        import_id = conn.execute(sa.insert(RI).values(
            client_id=client_id, sha256=sha, path=label, format=reg.format, added=new.height,
            duplicates=frame.height - new.height,
            issues=[{"where": i.where, "message": i.message, "severity": i.severity} for i in issues],
            actor=actor, created_at=utcnow())).inserted_primary_key[0]
        rows = new.select(
            pl.lit(client_id, dtype=pl.Int64).alias("client_id"), "account_id", "identity", "posted",
            pl.col("units").alias("amount"), "payee", "memo", "check_number", "category", "txn_type",
            "register_account", pl.lit(reg.format).alias("source"), pl.lit(sha).alias("source_sha256"),
            pl.col("row").alias("source_row"), pl.lit(import_id, dtype=pl.Int64).alias("import_id"))
        store.insert_frame(conn, RE, rows)
        audit.record(conn, actor, "register.import", "client", client_id,
                     after={"path": label, "sha256": sha, "format": reg.format, "added": new.height,
                            "accounts": mapped, "pending": pending})
    skipped = lines.height - frame.height
    return RegisterImport(label, sha, reg.format, added=new.height, duplicates=frame.height - new.height,
                          skipped=skipped, accounts=mapped, issues=tuple(issues), pending=tuple(pending))


def resolve_pending(conn: sa.Connection, client_id: int) -> int:
    """Give entries that wait for an account (imported before it existed) their account, by name."""
    RE = rt.register_entries
    names = [r[0] for r in conn.execute(sa.select(RE.c.register_account).distinct().where(
        RE.c.client_id == client_id, RE.c.account_id.is_(None)))]
    if not names:
        return 0
    accs = accounts_mod.for_client(conn, client_id)
    mapped = _resolve_names(names, set(names), accs, None, {})
    done = 0
    for name, account_id in mapped.items():
        have = {r[0] for r in conn.execute(sa.select(RE.c.identity).where(RE.c.account_id == account_id))}
        rows = conn.execute(sa.select(RE.c.id, RE.c.identity).where(
            RE.c.client_id == client_id, RE.c.account_id.is_(None), RE.c.register_account == name)).all()
        dup = [r.id for r in rows if r.identity in have]
        if dup:
            conn.execute(sa.delete(RE).where(RE.c.id.in_(dup)))
        done += conn.execute(sa.update(RE).where(RE.c.client_id == client_id, RE.c.account_id.is_(None),
                                                 RE.c.register_account == name).values(account_id=account_id)).rowcount
    return done


def format_name(code: str) -> str:
    return _FORMATS.get(code, code)
