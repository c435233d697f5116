"""Session methods of the review engine (register, rules, states, coding, approval).

Mixed into ``Session``; every method uses ``self.store``, ``self.actor`` and
``self.client(ref)`` from the core session. Every change a person makes is
written to the audit log (who, when, before, after) and to ``review_ops`` so
``undo_last`` can take it back. Each change re-evaluates, in its own
transaction, what it can affect (``engine.evaluate_scope``): the rows changed
and the open rows a created or changed remembered payee could match; rule
changes, register imports and match windows re-evaluate the client's open rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from . import accounts as accounts_mod
from . import audit
from .errors import Conflict, Invalid, NotFound
from .model import Client
from .money import AmountError, exponent, from_minor, parse_decimal, to_minor
from .review import engine, payees
from .review import preview as preview_mod
from .review import register as register_mod
from .review.frames import fetch, ids_in
from .review.rules import Rule, dump_yaml, parse_rule, parse_rules, pending_id, rules_from_file
from .store import review_tables as rt
from .store import schema, utcnow

C, E, R, OPS = schema.codings, rt.review_edits, rt.rules, rt.review_ops
REMEMBERED_BASE = 1_000_000       # remembered payees sort after a client's own rules
_S = pl.String
_REVIEW_ROWS = {   # one query: the bank's facts, the description edit, the coding, its match and rule
    "id": pl.Int64, "account_id": pl.Int64, "posted": pl.Date, "amount": pl.Int64, "bank_payee": _S,
    "bank_description": _S, "bank_memo": _S, "check_number": _S, "e_description": _S,
    "state": _S, "payee": _S, "account": _S, "class_": _S, "memo": _S, "splits": _S, "transfer_to": pl.Int64,
    "rule_id": pl.Int64, "explanation": _S, "suggestions": _S, "version": pl.Int64, "approved_by": _S,
    "entry_id": pl.Int64, "date_diff": pl.Int64, "keys": _S, "entry_posted": pl.Date, "entry_payee": _S,
    "entry_amount": pl.Int64, "entry_category": _S, "entry_source": _S, "rule_name": _S,
}


def _jsonable(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v) for k, v in row.items()}


def _restore_types(table: sa.Table, row: dict) -> dict:
    out = dict(row)
    for col in table.columns:
        v = out.get(col.name)
        if isinstance(v, str) and isinstance(col.type, sa.DateTime):
            out[col.name] = dt.datetime.fromisoformat(v)
    return out


class ReviewMixin:
    """Review, coding, approval, rules and the register (see ``docs/review.md``)."""

    # -- evaluation and the review list ------------------------------------------

    def evaluate(self, client: Any, *, refresh_suggestions: bool = True) -> dict[str, int]:
        """Give every open transaction of the client its state (and every GOLD row
        suggestions from the current coded history); returns counts per state."""
        c = self.client(client)
        return engine.evaluate(self.store, c.id, refresh_suggestions=refresh_suggestions)

    def learn_suggestions(self, client: Any) -> bool:
        """Learn the client's suggestion model now (for a dashboard's warm-up): interactive
        changes then never wait for it. False when nothing is coded yet."""
        c = self.client(client)
        return engine.learn_suggestions(self.store, c.id)

    def _review_added(self, client: Client):
        """The import hook: the rows a file added get their state in the file's own transaction."""
        def added(conn: sa.Connection, frame: pl.DataFrame) -> None:
            engine.evaluate_new(self.store, conn, client.id, frame)
        return added

    def _review_linked(self, client: Client):
        """The import hook for images: a check that just got its image is evaluated again, since the
        payee written on the check can make it RED (a remembered payee)."""
        def linked(conn: sa.Connection, ids: list[int]) -> None:
            engine.evaluate_scope(self.store, conn, client.id, ids, touched=ids)
        return linked

    def review_frame(self, client: Any, account: Any = None) -> pl.DataFrame:
        """Every transaction of the client with its state and coding, as polars."""
        c = self.client(client)
        frame = self._review_frame(c)
        if account is not None:
            frame = frame.filter(pl.col("account_id") == self.account(c, account).id)
        return frame.sort("posted", "id")

    def review_rows(self, client: Any, ids: list[int]) -> pl.DataFrame:
        """``review_frame``'s rows for these transaction ids only, read by key (cheap on a big client).
        Ids of other clients are left out."""
        c = self.client(client)
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return self._review_frame(c, []).clear()
        return self._review_frame(c, wanted).sort("posted", "id")

    def review_versions(self, client: Any) -> pl.DataFrame:
        """``id`` and coding ``version`` of every transaction of the client (null: not evaluated yet).
        The engine bumps a row's version whenever its outcome (state, coding, explanation,
        suggestions, match) changes, so a review frame read earlier finds the rows that changed
        since by comparing versions; a description or payee edit changes only the edited row."""
        c = self.client(client)
        T = schema.transactions
        with self.store.connect() as conn:
            acc_ids = [a.id for a in accounts_mod.for_client(conn, c.id)]
            shape = {"id": pl.Int64, "version": pl.Int64}
            if not acc_ids:
                return pl.DataFrame(schema=shape)
            q = (sa.select(T.c.id, C.c.version).select_from(T.outerjoin(C, C.c.transaction_id == T.c.id))
                 .where(T.c.account_id.in_(acc_ids)))
            return fetch(conn, q, shape)

    def _review_frame(self, c: Client, ids: list[int] | None = None) -> pl.DataFrame:
        M, RE, T = rt.review_matches, rt.register_entries, schema.transactions
        text = sa.Text
        with self.store.connect() as conn:
            accs = accounts_mod.for_client(conn, c.id)
            acc_ids = [a.id for a in accs]
            q = (sa.select(
                T.c.id, T.c.account_id, sa.cast(T.c.posted, text), T.c.amount, T.c.payee, T.c.description, T.c.memo,
                T.c.check_number, E.c.description, C.c.state, C.c.payee, C.c.account, C.c.class_, C.c.memo,
                sa.cast(C.c.splits, text), C.c.transfer_to, C.c.rule_id, C.c.explanation,
                sa.cast(C.c.suggestions, text), C.c.version, C.c.approved_by, M.c.entry_id, M.c.date_diff,
                sa.cast(M.c["keys"], text), sa.cast(RE.c.posted, text), RE.c.payee, RE.c.amount, RE.c.category,
                RE.c.source, R.c.name)
                .select_from(T.outerjoin(C, C.c.transaction_id == T.c.id)
                             .outerjoin(E, E.c.transaction_id == T.c.id)
                             .outerjoin(M, sa.and_(M.c.transaction_id == T.c.id, C.c.transaction_id.is_not(None)))
                             .outerjoin(RE, RE.c.id == sa.func.coalesce(M.c.entry_id, C.c.match_id))
                             .outerjoin(R, R.c.id == C.c.rule_id)))
            if ids is not None:   # by key, not by scanning the client's rows
                q = q.where((T.c.account_id + 0).in_(acc_ids), ids_in(T.c.id, ids, conn.dialect.name))
            else:
                q = q.where(T.c.account_id.in_(acc_ids))
            rows = fetch(conn, q, _REVIEW_ROWS) if acc_ids else pl.DataFrame(schema=_REVIEW_ROWS)
        info = pl.DataFrame([(a.id, a.name, a.currency, exponent(a.currency)) for a in accs], orient="row",
                            schema={"account_id": pl.Int64, "account_name": _S, "currency": _S,
                                    "exponent": pl.Int32})
        description = pl.coalesce(pl.col("e_description").replace("", None),
                                  pl.col("bank_description").replace("", None), pl.col("bank_payee")).fill_null("")
        return (rows.join(info, on="account_id", how="left")
                .with_columns(description.alias("description"), pl.col("state").fill_null("new"))
                .select("id", "account_id", "account_name", "currency", "exponent", "posted", "amount",
                        "description", "bank_description", "bank_payee", "bank_memo", "check_number",
                        *[k for k in _REVIEW_ROWS if k not in {"id", "account_id", "posted", "amount", "bank_payee",
                                                               "bank_description", "bank_memo", "check_number",
                                                               "e_description"}]))

    def review(self, client: Any, account: Any = None, states: list[str] | None = None) -> dict:
        """``{"counts": {state: n}, "transactions": [row, ...]}`` (amounts as decimal strings)."""
        c = self.client(client)
        frame = self.review_frame(c, account)
        counts = {s: 0 for s in engine.STATES}
        for s, n in frame.group_by("state").len().iter_rows():
            counts[s] = counts.get(s, 0) + n
        if states:
            frame = frame.filter(pl.col("state").is_in(list(states)))
        rows = [self._review_row(r) for r in frame.iter_rows(named=True)]
        return {"counts": counts, "transactions": rows}

    @staticmethod
    def _review_row(r: dict) -> dict:
        cur = r["currency"]
        splits = json.loads(r["splits"]) if r["splits"] else None
        match = None
        if r["state"] in ("blue", "approved", "exported", "excluded") and r["entry_id"] is not None:
            match = {"register_id": r["entry_id"], "date_diff": r["date_diff"],
                     "keys": json.loads(r["keys"]) if r["keys"] else [],
                     "entry": {"date": r["entry_posted"], "payee": r["entry_payee"],
                               "amount": str(from_minor(r["entry_amount"], cur)) if r["entry_amount"] is not None
                               else None, "category": r["entry_category"], "source": r["entry_source"]}}
        return {
            "id": r["id"], "state": r["state"], "explanation": r["explanation"] or "",
            "payee": r["payee"] or "", "account": r["account"] or "",
            "suggestions": json.loads(r["suggestions"]) if r["suggestions"] else [],
            "match": match,
            "date": r["posted"], "amount": str(from_minor(r["amount"], cur)), "currency": cur,
            "bank_account": {"id": r["account_id"], "name": r["account_name"]},
            "description": r["description"], "bank_description": r["bank_description"],
            "bank_payee": r["bank_payee"], "check_number": r["check_number"],
            "class": r["class_"] or "", "memo": r["memo"] or "",
            "splits": [{**s, "amount": str(from_minor(s["amount"], cur))} for s in splits] if splits else None,
            "transfer_to": r["transfer_to"],
            "rule": {"id": r["rule_id"], "name": r["rule_name"]} if r["rule_id"] is not None else None,
            "version": r["version"],
        }

    # -- helpers for person's changes --------------------------------------------

    def _rows_for(self, conn: sa.Connection, client_id: int, ids: list[int]) -> dict[int, dict]:
        """Transactions of this client by id (with currency and current coding); NotFound otherwise."""
        T, A, D = schema.transactions, schema.accounts, schema.documents
        # the payee written on a linked check image (the bank's text for a check names none)
        image_payee = (sa.select(D.c.payee).where(D.c.transaction_id == T.c.id, D.c.kind == "check",
                                                  D.c.payee != "").limit(1).scalar_subquery().label("image_payee"))
        out: dict[int, dict] = {}
        for chunk in engine._chunks(sorted(set(ids))):
            q = (sa.select(T.c.id, T.c.account_id, T.c.amount, T.c.payee, T.c.description, A.c.currency, image_payee,
                           C.c.state, C.c.version, C.c.payee.label("c_payee"), C.c.account.label("c_account"),
                           C.c.rule_id.label("c_rule_id"), C.c.manual.label("c_manual"))
                 .join(A, A.c.id == T.c.account_id).outerjoin(C, C.c.transaction_id == T.c.id)
                 .where(A.c.client_id == client_id, T.c.id.in_(chunk)))
            out.update({r.id: r._asdict() for r in conn.execute(q)})
        missing = [i for i in ids if i not in out]
        if missing:
            raise NotFound(f"the client has no transaction {', '.join(map(str, missing[:10]))}")
        return out

    def _snapshot(self, conn: sa.Connection, ids: list[int], rule_ids: list[int] = ()) -> dict:
        snap: dict = {"codings": {}, "edits": {}, "rules": {}, "matches": {}}
        M = rt.review_matches
        for chunk in engine._chunks(sorted(set(ids))):
            got = {r.transaction_id: r._asdict() for r in conn.execute(sa.select(C).where(C.c.transaction_id.in_(chunk)))}
            eds = {r.transaction_id: r._asdict() for r in conn.execute(sa.select(E).where(E.c.transaction_id.in_(chunk)))}
            mts = {r.transaction_id: r._asdict() for r in conn.execute(sa.select(M).where(M.c.transaction_id.in_(chunk)))}
            for i in chunk:
                snap["codings"][str(i)] = _jsonable(got.get(i))
                snap["edits"][str(i)] = _jsonable(eds.get(i))
                snap["matches"][str(i)] = _jsonable(mts.get(i))
        for rid in rule_ids:
            row = conn.execute(sa.select(R).where(R.c.id == rid)).first()
            snap["rules"][str(rid)] = _jsonable(row._asdict()) if row else None
        return snap

    def _op(self, conn: sa.Connection, client_id: int | None, action: str, summary: str, before: dict) -> None:
        conn.execute(sa.insert(OPS).values(client_id=client_id, actor=self.actor, at=utcnow(), action=action,
                                           summary=summary, before=before))

    def _edits_row(self, conn: sa.Connection, txn_id: int) -> dict | None:
        row = conn.execute(sa.select(E).where(E.c.transaction_id == txn_id)).first()
        return row._asdict() if row else None

    def _put_edits(self, conn: sa.Connection, txn_id: int, **values) -> None:
        cur = self._edits_row(conn, txn_id)
        data = {"description": None, "payee": None, "coding": None} if cur is None else \
            {k: cur[k] for k in ("description", "payee", "coding")}
        data.update(values)
        conn.execute(sa.delete(E).where(E.c.transaction_id == txn_id))
        if any(v is not None for v in data.values()):
            if data["coding"] is None:
                data["coding"] = sa.null()   # SQL NULL, not JSON null
            conn.execute(sa.insert(E).values(transaction_id=txn_id, actor=self.actor, updated_at=utcnow(), **data))

    def _splits_units(self, splits: list[dict] | None, amount: int, currency: str) -> list[dict] | None:
        """Validate a person's split: amounts (Decimal/text) -> minor units summing to the amount."""
        if not splits:
            return None
        out = []
        for i, s in enumerate(splits, 1):
            acct = str(s.get("account") or "").strip()
            if not acct:
                raise Invalid(f"split line {i} needs an account")
            try:
                units = to_minor(parse_decimal(s.get("amount")), currency)
            except (AmountError, TypeError) as e:
                raise Invalid(f"split line {i}: {e}") from None
            out.append({"account": acct, "amount": units, "memo": str(s.get("memo") or ""),
                        "class": str(s.get("class") or "")})
        total = sum(s["amount"] for s in out)
        if total != amount:
            raise Invalid(f"the split adds up to {from_minor(total, currency)}, not the transaction's "
                          f"{from_minor(amount, currency)}")
        return out

    @staticmethod
    def _payee_condition(txn: dict, edits: dict | None) -> list[dict] | None:
        """The condition a remembered payee of this transaction has (None when its payee
        is too generic to remember): the rows "of the same payee"."""
        desc = (edits or {}).get("description") or txn["description"] or txn["payee"] or ""
        fld, key = "description", payees.payee_key(desc)
        for other in (txn.get("image_payee"), txn["payee"]):   # a check: the payee on its image
            if payees.rememberable(key) or not other:
                continue
            fld, key = "payee", payees.payee_key(other)
        if not payees.rememberable(key):
            return None
        return [{"field": fld, "op": "contains", "value": key}]

    def _remember(self, conn: sa.Connection, client: Client, txn: dict, edits: dict | None, *,
                  payee: str | None = None, account: str | None = None,
                  changed: list | None = None) -> dict | None:
        """Create or update the client's remembered-payee rule for this transaction's payee.
        Returns the rule row before the change ({} when created), or None when nothing was remembered.
        A rule created or changed is added to ``changed`` as ``(match, conditions)``."""
        cond = self._payee_condition(txn, edits)
        if cond is None:
            return None
        existing = None
        for row in conn.execute(sa.select(R).where(R.c.client_id == client.id, R.c.origin == "remembered")):
            if row.conditions == cond:
                existing = row
                break
        if existing is not None:
            actions = dict(existing.actions or {})
            if payee:
                actions["payee"] = payee
            if account:
                actions["account"] = account
            if actions == existing.actions:
                return None
            before = existing._asdict()
            if changed is not None:
                changed.append(("all", cond))
            conn.execute(sa.update(R).where(R.c.id == existing.id).values(
                actions=actions, updated_at=utcnow(), version=existing.version + 1))
            audit.record(conn, self.actor, "rule.remember", "rule", existing.id, before=_jsonable(before),
                         after={"actions": actions})
            return before
        desc = (edits or {}).get("description") or txn["description"] or txn["payee"] or ""
        actions = {"payee": payee or payees.clean_payee(desc)}
        if account:
            actions["account"] = account
        pos = conn.execute(sa.select(sa.func.max(R.c.position)).where(R.c.client_id == client.id)).scalar()
        pos = max(REMEMBERED_BASE, (pos or 0) + 1)
        name = f"Remembered: {actions['payee']}"
        now = utcnow()
        rid = conn.execute(sa.insert(R).values(
            client_id=client.id, scope=client.name, position=pos, name=name, match="all", conditions=cond,
            actions=actions,
            origin="remembered", enabled=True, created_at=now, updated_at=now)).inserted_primary_key[0]
        audit.record(conn, self.actor, "rule.remember", "rule", rid, after={"name": name, "conditions": cond,
                                                                         "actions": actions})
        if changed is not None:
            changed.append(("all", cond))
        return {"id": rid}

    # -- coding ------------------------------------------------------------------

    def code(self, client: Any, transaction_id: int, account: str | None = None, payee: str | None = None, *,
             class_: str | None = None, memo: str | None = None, splits: list[dict] | None = None,
             transfer_to: Any = None, remember: bool = True, expected_version: int | None = None) -> dict:
        """Code one transaction by hand (it becomes RED, ready to approve). Unless
        ``remember`` is False, the payee -> account is remembered as a client rule
        so the next transaction from the same payee arrives RED."""
        c = self.client(client)
        self._code_many(c, [{"id": int(transaction_id), "account": account, "payee": payee, "class": class_,
                             "memo": memo, "splits": splits, "transfer_to": transfer_to,
                             "expected_version": expected_version}], remember, "review.code")
        return self._one(c, int(transaction_id))

    def code_many(self, client: Any, items: list[dict], remember: bool = True) -> dict:
        """Code many transactions at once, exactly as if each were coded by hand.
        ``items``: dicts with id, account, and optionally payee, class, memo."""
        c = self.client(client)
        n = self._code_many(c, items, remember, "review.code")
        return {"coded": n, "counts": engine.state_counts_for(self.store, c.id)}

    def code_csv(self, client: Any, path: str | Path, remember: bool = True) -> dict:
        """Code from a CSV with columns id, account, payee (optional: class, memo)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except OSError as e:
            raise Invalid(f"cannot read {p}: {e.strerror or e}") from None
        reader = csv.DictReader(text.splitlines())
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        if "id" not in fields or "account" not in fields:
            raise Invalid(f"{p}: the coding CSV needs the columns id and account (and optionally payee)")
        items, problems = [], []
        for no, row in enumerate(reader, 2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if not any(row.values()):
                continue
            if not row.get("id", "").isdigit():
                problems.append(f"line {no}: id {row.get('id')!r} is not a transaction id")
                continue
            items.append({"id": int(row["id"]), "account": row.get("account") or None,
                          "payee": row.get("payee") or None, "class": row.get("class") or None,
                          "memo": row.get("memo") or None})
        if problems:
            raise Invalid(f"{p}: " + "; ".join(problems[:20]))
        return self.code_many(client, items, remember)

    def _code_many(self, c: Client, items: list[dict], remember: bool, action: str) -> int:
        if not items:
            return 0
        ids = [int(it["id"]) for it in items]
        if len(set(ids)) != len(ids):
            raise Invalid("a transaction is listed twice")
        with self.store.begin() as conn:
            rows = self._rows_for(conn, c.id, ids)
            accs = accounts_mod.for_client(conn, c.id)
            before = self._snapshot(conn, ids)
            audits, rule_befores, changed = [], {}, []
            for it in items:
                tid = int(it["id"])
                txn = rows[tid]
                state = txn["state"]
                if state in ("approved", "exported", "excluded"):
                    raise Conflict(f"transaction {tid} is {state}; reopen it before coding"
                                   if state != "exported" else f"transaction {tid} was exported; it cannot change")
                if state == "blue":
                    raise Conflict(f"transaction {tid} is already in the books (BLUE, matched to the register); "
                                   "exclude it or leave it matched")
                if it.get("expected_version") is not None and txn["version"] != it["expected_version"]:
                    raise Conflict(f"transaction {tid} changed since it was read; reload and try again")
                account = (it.get("account") or "").strip()
                transfer = None
                if it.get("transfer_to") not in (None, ""):
                    ref = str(it["transfer_to"]).strip()
                    hit = [a for a in accs if str(a.id) == ref or a.name.lower() == ref.lower()]
                    if not hit:
                        raise NotFound(f"the client has no account {ref!r} to transfer to")
                    if hit[0].id == txn["account_id"]:
                        raise Invalid("a transfer must go to another account")
                    transfer = hit[0].id
                    account = account or hit[0].name
                splits = self._splits_units(it.get("splits"), txn["amount"], txn["currency"])
                if splits and not account:
                    account = splits[0]["account"]
                if not account:
                    raise Invalid(f"transaction {tid}: give an account (or a split or a transfer)")
                payee = (it.get("payee") or "").strip() or None
                edits = self._edits_row(conn, tid)
                coding = {"account": account, "class": (it.get("class") or "").strip(),
                          "memo": (it.get("memo") or "").strip(), "payee": payee or "",
                          "transfer_to": transfer, "splits": json.dumps(splits) if splits else None}
                values = {"coding": coding}
                if payee:
                    values["payee"] = payee
                self._put_edits(conn, tid, **values)
                by_rule = state == "red" and not txn["c_manual"]
                same = self._payee_condition(txn, edits)
                if same is not None:      # the payee's other rows: a remembered rule, new suggestions
                    changed.append(("all", same))
                if remember and not by_rule:
                    rb = self._remember(conn, c, txn, edits, payee=payee or txn["c_payee"] or None,
                                        account=account if not splits else None, changed=changed)
                    if rb is not None:
                        rule_befores.update({str(rb.get("id")): _jsonable(rb) if len(rb) > 1 else None})
                audits.append({"actor": self.actor, "action": action, "entity": "transaction", "entity_id": tid,
                               "before": {"state": state, "payee": txn["c_payee"], "account": txn["c_account"]},
                               "after": {"account": account, "payee": payee, "class": coding["class"],
                                         "memo": coding["memo"], "splits": splits, "transfer_to": transfer,
                                         "client_id": c.id}})
            before["rules"] = rule_befores
            audit.record_many(conn, audits)
            self._op(conn, c.id, action, f"coded {len(items)} transaction(s)", before)
            engine.evaluate_scope(self.store, conn, c.id, ids, touched=ids, rules=changed, history_changed=True)
        return len(items)

    def edit(self, client: Any, transaction_id: int, *, description: str | None = None, payee: str | None = None,
             account: str | None = None, remember: bool = True, expected_version: int | None = None) -> dict:
        """Edit a transaction's description and/or payee (and code its account).
        A payee rename is remembered like a coding unless ``remember`` is False.
        ``description=""`` restores the bank's description."""
        c = self.client(client)
        tid = int(transaction_id)
        if account:
            self.code(c, tid, account, payee, remember=remember, expected_version=expected_version)
            if description is None:
                return self._one(c, tid)
            expected_version = None
        with self.store.begin() as conn:
            txn = self._rows_for(conn, c.id, [tid])[tid]
            if txn["state"] == "exported":
                raise Conflict(f"transaction {tid} was exported; it cannot change")
            if txn["state"] in ("approved", "excluded"):
                raise Conflict(f"transaction {tid} is {txn['state']}; reopen it before editing")
            if expected_version is not None and txn["version"] != expected_version:
                raise Conflict(f"transaction {tid} changed since it was read; reload and try again")
            before = self._snapshot(conn, [tid])
            edits = self._edits_row(conn, tid) or {}
            values: dict = {}
            if description is not None:
                d = " ".join(str(description).split())
                if len(d) > 500:
                    raise Invalid("a description is at most 500 characters")
                values["description"] = d or None
            if payee is not None:
                p = " ".join(str(payee).split())
                if len(p) > 200:
                    raise Invalid("a payee is at most 200 characters")
                values["payee"] = p or None
                if edits.get("coding"):
                    coding = dict(edits["coding"])
                    coding["payee"] = p
                    values["coding"] = coding
            if not values:
                raise Invalid("nothing to edit: give a description or a payee")
            self._put_edits(conn, tid, **values)
            changed: list = []
            if payee and remember and txn["state"] != "blue":
                rb = self._remember(conn, c, txn, {**edits, **values}, payee=values.get("payee"), changed=changed)
                if rb is not None:
                    before["rules"] = {str(rb.get("id")): _jsonable(rb) if len(rb) > 1 else None}
            audit.record(conn, self.actor, "review.edit", "transaction", tid,
                         before={"description": edits.get("description"), "payee": edits.get("payee")},
                         after={**{k: v for k, v in values.items() if k != "coding"}, "client_id": c.id})
            self._op(conn, c.id, "review.edit", f"edited transaction {tid}", before)
            # a row coded by hand or matched to the books is part of the coded history
            in_history = txn["state"] == "blue" or bool(txn["c_manual"])
            engine.evaluate_scope(self.store, conn, c.id, [tid], touched=[tid], rules=changed,
                                  history_changed=in_history)
        return self._one(c, tid)

    def _one(self, c: Client, tid: int) -> dict:
        frame = self._review_frame(c, [tid])
        return self._review_row(frame.row(0, named=True))

    def _ensure_states(self, conn: sa.Connection, c: Client, ids: list[int] | None = None) -> None:
        """Rows without a review state (imported outside a Session) get one; every other
        row's state is kept current by the changes themselves."""
        T, A = schema.transactions, schema.accounts
        q = (sa.select(T.c.id).select_from(T.join(A, A.c.id == T.c.account_id)
                                           .outerjoin(C, C.c.transaction_id == T.c.id))
             .where(A.c.client_id == c.id, C.c.transaction_id.is_(None)))
        if ids is not None:
            q = q.where(ids_in(T.c.id, ids, conn.dialect.name))
        missing = [r[0] for r in conn.execute(q)]
        if missing:
            engine.evaluate_scope(self.store, conn, c.id, missing, touched=missing)

    # -- approve, exclude, reopen --------------------------------------------------

    def _set_states(self, c: Client, ids: list[int], new_state: str, allowed: tuple[str, ...], action: str) -> int:
        if not ids:
            return 0
        with self.store.begin() as conn:
            self._ensure_states(conn, c, ids)   # make sure every row has a state
            rows = self._rows_for(conn, c.id, ids)
            bad = [i for i in ids if rows[i]["state"] not in allowed]
            if bad:
                detail = ", ".join(f"{i} ({(rows[i]['state'] or 'new').upper()})" for i in bad[:10])
                if new_state == "approved" and any(rows[i]["state"] == "gold" for i in bad):
                    detail += "; GOLD rows need coding first"
                raise Conflict(f"cannot {action.split('.')[-1]} transaction(s) {detail}: only "
                               f"{'/'.join(s.upper() if s in engine.OPEN else s for s in allowed)} rows can be")
            before = self._snapshot(conn, ids)
            now = utcnow()
            values: dict = {"state": new_state, "updated_at": now, "version": C.c.version + 1}
            if new_state == "approved":
                values.update(approved_by=self.actor, approved_at=now)
            elif new_state in ("excluded", "gold"):
                values.update(approved_by=None, approved_at=None)
            for chunk in engine._chunks(ids):
                conn.execute(sa.update(C).where(C.c.transaction_id.in_(chunk)).values(**values))
            audit.record_many(conn, [{"actor": self.actor, "action": action, "entity": "transaction", "entity_id": i,
                                      "before": {"state": rows[i]["state"]},
                                      "after": {"state": new_state, "client_id": c.id}} for i in ids])
            self._op(conn, c.id, action, f"{action.split('.')[-1]} {len(ids)} transaction(s)", before)
        return len(ids)

    def approve(self, client: Any, states: list[str] | tuple[str, ...] | None = ("red", "blue"),
                ids: list[int] | None = None) -> int:
        """Approve RED and BLUE rows (GOLD needs coding first). With ``ids`` only
        those (each must be RED or BLUE); with ``states`` only rows in those states."""
        c = self.client(client)
        states = tuple(s.strip().lower() for s in (states or ("red", "blue")))
        unknown = [s for s in states if s not in ("red", "blue", "gold")]
        if unknown:
            raise Invalid(f"approve takes states red and blue (got {', '.join(unknown)})")
        if "gold" in states:
            raise Invalid("GOLD transactions need coding before they can be approved")
        if ids is None:
            with self.store.begin() as conn:
                self._ensure_states(conn, c)
                T, A = schema.transactions, schema.accounts
                ids = [r[0] for r in conn.execute(
                    sa.select(C.c.transaction_id).join(T, T.c.id == C.c.transaction_id)
                    .join(A, A.c.id == T.c.account_id).where(A.c.client_id == c.id, C.c.state.in_(states)))]
            return self._set_states(c, ids, "approved", states, "review.approve")
        return self._set_states(c, [int(i) for i in ids], "approved", states, "review.approve")

    def exclude(self, client: Any, ids: list[int]) -> int:
        """Exclude transactions (never exported, never matched or coded again until reopened)."""
        c = self.client(client)
        return self._set_states(c, [int(i) for i in ids], "excluded", ("gold", "red", "blue", "approved"),
                                "review.exclude")

    def reopen(self, client: Any, ids: list[int]) -> int:
        """Bring approved or excluded transactions back to review (they are evaluated again)."""
        c = self.client(client)
        ids = [int(i) for i in ids]
        n = self._set_states(c, ids, "gold", ("approved", "excluded"), "review.reopen")
        with self.store.begin() as conn:
            engine.evaluate_scope(self.store, conn, c.id, ids, touched=ids, history_changed=True)
        return n

    # -- undo ----------------------------------------------------------------------

    def undo_last(self, client: Any) -> dict:
        """Undo this person's last review change for the client (coding, edit,
        approval, exclusion, reopening). Exported rows are never touched."""
        c = self.client(client)
        with self.store.begin() as conn:
            op = conn.execute(sa.select(OPS).where(OPS.c.client_id == c.id, OPS.c.actor == self.actor,
                                                   OPS.c.undone.is_(False)).order_by(OPS.c.id.desc())).first()
            if op is None:
                raise NotFound("nothing to undo")
            snap = op.before or {}
            skipped: list[int] = []
            changed: list = []
            for key, row in (snap.get("codings") or {}).items():
                tid = int(key)
                cur = conn.execute(sa.select(C.c.state).where(C.c.transaction_id == tid)).scalar()
                if cur == "exported":
                    skipped.append(tid)
                    continue
                conn.execute(sa.delete(C).where(C.c.transaction_id == tid))
                if row is not None:
                    conn.execute(sa.insert(C).values(**_restore_types(C, row)))
            # description edits and register matches as they were (older snapshots have no matches)
            for part, table in (("edits", E), ("matches", rt.review_matches)):
                for key, row in (snap.get(part) or {}).items():
                    tid = int(key)
                    if tid in skipped:
                        continue
                    conn.execute(sa.delete(table).where(table.c.transaction_id == tid))
                    if row is not None:
                        conn.execute(sa.insert(table).values(**_restore_types(table, row)))
            for key, row in (snap.get("rules") or {}).items():
                if key in ("None", ""):
                    continue
                cur = conn.execute(sa.select(R.c.match, R.c.conditions).where(R.c.id == int(key))).first()
                changed.extend((r["match"], r["conditions"] or []) for r in (cur._asdict() if cur else None, row)
                               if r is not None)
                conn.execute(sa.delete(R).where(R.c.id == int(key)))
                if row is not None:
                    conn.execute(sa.insert(R).values(**_restore_types(R, row)))
            conn.execute(sa.update(OPS).where(OPS.c.id == op.id).values(undone=True))
            audit.record(conn, self.actor, "review.undo", "review_op", op.id,
                         before={"action": op.action, "summary": op.summary},
                         after={"client_id": c.id, "skipped_exported": skipped})
            ids = sorted({int(k) for part in ("codings", "edits") for k in (snap.get(part) or {})} - set(skipped))
            engine.evaluate_scope(self.store, conn, c.id, ids, touched=ids, rules=changed, history_changed=True)
        return {"undone": op.action, "summary": op.summary, "skipped_exported": skipped}

    # -- rules ---------------------------------------------------------------------

    def _resolve_scope(self, text: str) -> tuple[int | None, str]:
        if str(text).strip().lower() in ("firm", ""):
            return None, "firm"
        try:
            c = self.client(text)
        except NotFound:   # a client not added yet: the rule waits for a client of that name
            return pending_id(str(text)), str(text).strip()
        return c.id, c.name

    def rules(self, client: Any = None) -> list[Rule]:
        """All rules (firm first, then each client's), or the ones that apply to one client, in order."""
        with self.store.connect() as conn:
            if client is None:
                return engine.load_rules(conn)
            c = self.client(client)
            rules = engine.load_rules(conn, [c.id])
        return [r for r in rules if r.client_id is not None] + [r for r in rules if r.client_id is None]

    def _candidate_rules(self, new: list[Rule]) -> list[Rule]:
        """The rule set after importing ``new``: each scope named in ``new`` has its
        own (non-remembered) rules replaced in file order; remembered rules stay
        unless the file has one of the same name."""
        with self.store.connect() as conn:
            current = engine.load_rules(conn)
        scopes = {r.client_id for r in new}
        new_remembered = {(r.client_id, r.name) for r in new if r.origin == "remembered"}
        kept = [r for r in current if r.client_id not in scopes
                or (r.origin == "remembered" and (r.client_id, r.name) not in new_remembered)]
        placed = []
        own: dict[int | None, int] = {}
        remembered: dict[int | None, int] = {}
        for r in new:
            if r.origin == "remembered":
                n = remembered[r.client_id] = remembered.get(r.client_id, -1) + 1
                placed.append(r.with_(position=REMEMBERED_BASE + 1000 + n, id=None))
            else:
                n = own[r.client_id] = own.get(r.client_id, -1) + 1
                placed.append(r.with_(position=n, id=None))
        return kept + placed

    def _write_rules(self, conn: sa.Connection, rules: list[Rule], origin_default: str = "file") -> list[int]:
        now = utcnow()
        ids = []
        for r in rules:
            ids.append(conn.execute(sa.insert(R).values(
                client_id=r.client_id if r.client_id is not None and r.client_id > 0 else None,
                scope="firm" if r.client_id is None else r.scope, position=r.position, name=r.name, match=r.match,
                conditions=[c.to_dict() for c in r.conditions], actions=r.actions.to_dict(),
                origin=r.origin if r.origin in ("remembered", "manual") else origin_default,
                enabled=r.enabled, created_at=now, updated_at=now)).inserted_primary_key[0])
        return ids

    def _rules_snapshot(self, conn: sa.Connection) -> dict:
        return {str(r.id): _jsonable(r._asdict()) for r in conn.execute(sa.select(R))}

    def _reevaluate(self, client_ids: set[int | None]) -> None:
        targets = [c.id for c in self.clients()] if None in client_ids else \
            sorted(x for x in client_ids if x is not None and x > 0)
        for cid in targets:
            engine.evaluate(self.store, cid, refresh_suggestions=False)

    def import_rules(self, path: str | Path) -> dict:
        """Import rules from YAML: each scope in the file (firm, or a client) gets
        exactly the file's rules, in file order. Open transactions are re-evaluated."""
        new = rules_from_file(path, self._resolve_scope)
        return self._replace_rules(new, f"imported {len(new)} rule(s) from {Path(path).name}", "rules.import")

    def _replace_rules(self, new: list[Rule], summary: str, action: str) -> dict:
        candidate = self._candidate_rules(new)
        scopes = {r.client_id for r in new}
        with self.store.begin() as conn:
            before = self._rules_snapshot(conn)
            new_remembered = {(r.client_id, r.name) for r in new if r.origin == "remembered"}
            for row in engine.load_rules(conn):
                if row.client_id in scopes and (row.origin != "remembered"
                                                or (row.client_id, row.name) in new_remembered):
                    conn.execute(sa.delete(R).where(R.c.id == row.id))
            to_write = [r for r in candidate if r.id is None]
            ids = self._write_rules(conn, to_write)
            after = [{"id": i, **r.to_dict()} for i, r in zip(ids, to_write, strict=True)]
            audit.record(conn, self.actor, action, "rules", ",".join(str(s or "firm") for s in sorted(
                scopes, key=lambda x: (x is not None, x or 0))), before=list(before.values()), after=after)
            conn.execute(sa.insert(OPS).values(client_id=None, actor=self.actor, at=utcnow(), action=action,
                                               summary=summary, before={"rules_all": before}))
        self._reevaluate(scopes)
        return {"imported": len(new), "scopes": sorted({r.scope for r in new}), "rules": len(candidate)}

    def export_rules(self, path: str | Path | None = None, client: Any = None) -> str:
        """Write the rules as YAML (firm first, then clients by name); returns the text."""
        rules = self.rules(client) if client is not None else self.rules()
        if client is None:
            rules = sorted(rules, key=lambda r: (r.client_id is not None, r.scope.lower(), r.position, r.id or 0))
        text = dump_yaml(rules)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def rules_list(self, client: Any = None) -> list[dict]:
        """Rules as plain dicts (id, position, origin and the YAML form)."""
        return [{"id": r.id, "position": r.position, "origin": r.origin, **r.to_dict()}
                for r in (self.rules(client) if client is not None else self.rules())]

    def preview_rules(self, path: str | Path | None = None, rules: list[dict] | None = None) -> dict:
        """What importing these rules (a YAML file or rule dicts) would change, across
        all clients and the whole history, with shadowing warnings. Changes nothing."""
        if path is not None:
            new = rules_from_file(path, self._resolve_scope)
        else:
            new = parse_rules(rules or [], self._resolve_scope)
        candidate = self._candidate_rules(new)
        with self.store.connect() as conn:
            current = engine.load_rules(conn)
        clients = [(c.id, c.name) for c in self.clients()]
        return preview_mod.preview(self.store, current, candidate, clients)

    def save_rule(self, rule: dict | Rule, position: int | None = None, rule_id: int | None = None,
                  preview: bool = True) -> dict:
        """Create (or, with ``rule_id``, replace) one rule. ``position`` is its
        place among its scope's rules (0 = first; default last). Returns the saved
        rule and the impact preview computed before saving."""
        r = rule if isinstance(rule, Rule) else parse_rule(rule, 1, self._resolve_scope)
        with self.store.connect() as conn:
            current = engine.load_rules(conn)
        old = next((x for x in current if x.id == rule_id), None) if rule_id is not None else None
        if rule_id is not None and old is None:
            raise NotFound(f"no rule {rule_id}")
        scope_rules = [x for x in current if x.client_id == r.client_id and x.origin != "remembered"
                       and x.id != rule_id]
        if position is None:
            position = len(scope_rules) if old is None or old.client_id != r.client_id else \
                next(i for i, x in enumerate(sorted([*scope_rules, old], key=lambda x: x.position)) if x.id == rule_id)
        position = max(0, min(int(position), len(scope_rules)))
        origin = "remembered" if (old is not None and old.origin == "remembered") else "manual"
        if origin == "remembered":
            new_rule = r.with_(position=old.position, origin=origin, id=None)
            ordered = None
        else:
            ordered = sorted(scope_rules, key=lambda x: x.position)
            new_rule = r.with_(origin=origin, id=None)
            ordered.insert(position, new_rule)
            ordered = [x.with_(position=i) for i, x in enumerate(ordered)]
        candidate = [x for x in current if x.id != rule_id and not (ordered is not None and x.client_id == r.client_id
                                                                    and x.origin != "remembered")]
        candidate += ordered if ordered is not None else [new_rule]
        impact = None
        if preview:
            clients = [(c.id, c.name) for c in self.clients()]
            impact = preview_mod.preview(self.store, current, candidate, clients)
        with self.store.begin() as conn:
            before = self._rules_snapshot(conn)
            if rule_id is not None:
                conn.execute(sa.delete(R).where(R.c.id == rule_id))
            if ordered is not None:
                for x in ordered:
                    if x.id is not None:
                        conn.execute(sa.update(R).where(R.c.id == x.id).values(position=x.position))
            to_write = new_rule if ordered is None else next(x for x in ordered if x.id is None)
            new_id = self._write_rules(conn, [to_write], "manual")[0]
            audit.record(conn, self.actor, "rule.save", "rule", new_id,
                         before=before.get(str(rule_id)) if rule_id is not None else None,
                         after={"id": new_id, "position": to_write.position, **to_write.to_dict()})
            conn.execute(sa.insert(OPS).values(client_id=None, actor=self.actor, at=utcnow(), action="rule.save",
                                               summary=f"saved rule {r.name!r}", before={"rules_all": before}))
        self._reevaluate({r.client_id} | ({old.client_id} if old is not None else set()))
        saved = next(x for x in self.rules() if x.id == new_id)
        return {"rule": {"id": saved.id, "position": saved.position, **saved.to_dict()}, "preview": impact}

    def delete_rule(self, rule_id: int) -> None:
        with self.store.begin() as conn:
            row = conn.execute(sa.select(R).where(R.c.id == int(rule_id))).first()
            if row is None:
                raise NotFound(f"no rule {rule_id}")
            before = self._rules_snapshot(conn)
            conn.execute(sa.delete(R).where(R.c.id == row.id))
            audit.record(conn, self.actor, "rule.delete", "rule", row.id, before=_jsonable(row._asdict()))
            conn.execute(sa.insert(OPS).values(client_id=None, actor=self.actor, at=utcnow(), action="rule.delete",
                                               summary=f"deleted rule {row.name!r}", before={"rules_all": before}))
        self._reevaluate({row.client_id})

    def undo_rules(self) -> dict:
        """Undo this person's last rule change (import, save, delete)."""
        with self.store.begin() as conn:
            op = conn.execute(sa.select(OPS).where(OPS.c.client_id.is_(None), OPS.c.actor == self.actor,
                                                   OPS.c.undone.is_(False)).order_by(OPS.c.id.desc())).first()
            if op is None:
                raise NotFound("no rule change to undo")
            conn.execute(sa.delete(R))
            rows = list((op.before or {}).get("rules_all", {}).values())
            if rows:
                conn.execute(sa.insert(R), [_restore_types(R, r) for r in rows])
            conn.execute(sa.update(OPS).where(OPS.c.id == op.id).values(undone=True))
            audit.record(conn, self.actor, "rules.undo", "review_op", op.id, before={"summary": op.summary})
        self._reevaluate({None})
        return {"undone": op.action, "summary": op.summary}

    # -- register ------------------------------------------------------------------

    def import_register(self, client: Any, path: str | Path, account: Any = None, *,
                        mapping: str | dict | None = None, names: dict[str, Any] | None = None,
                        data: bytes | None = None) -> register_mod.RegisterImport:
        """Import the client's books (QuickBooks IIF, QuickBooks CSV, or a CSV with
        ``mapping``) as register entries, then re-evaluate: matches turn BLUE."""
        c = self.client(client)
        acc = self.account(c, account) if account is not None else None
        if isinstance(mapping, str):
            mapping = register_mod.parse_mapping(mapping)
        resolved = {k: self.account(c, v).id for k, v in (names or {}).items()}
        result = register_mod.import_register(self.store, c.id, path, account=acc, names=resolved,
                                              mapping=mapping or None, actor=self.actor, data=data)
        if result.added:
            engine.evaluate(self.store, c.id, refresh_suggestions=False)
        return result

    def registers(self, client: Any) -> list[dict]:
        """The register files imported for a client (path, format, added, when, by whom)."""
        c = self.client(client)
        RI = rt.register_imports
        with self.store.connect() as conn:
            return [r._asdict() for r in conn.execute(
                sa.select(RI.c.id, RI.c.path, RI.c.sha256, RI.c.format, RI.c.added, RI.c.duplicates, RI.c.actor,
                          RI.c.created_at).where(RI.c.client_id == c.id).order_by(RI.c.id))]

    def state_counts(self, client: Any, account: Any = None) -> dict[str, int]:
        """How many of the client's transactions are in each review state."""
        c = self.client(client)
        account_id = self.account(c, account).id if account is not None else None
        return engine.state_counts_for(self.store, c.id, account_id)

    def register_frame(self, client: Any, account: Any = None) -> pl.DataFrame:
        c = self.client(client)
        frame = None
        with self.store.connect() as conn:
            frame = engine.load_register(self.store, conn, c.id)
        if account is not None:
            frame = frame.filter(pl.col("account_id") == self.account(c, account).id)
        return frame

    def set_match_window(self, client: Any, account: Any, days: int) -> None:
        """The date window (+- days) for register matching on one account (default 5)."""
        c = self.client(client)
        acc = self.account(c, account)
        days = int(days)
        if not 0 <= days <= 60:
            raise Invalid("the match window is between 0 and 60 days")
        W = rt.match_windows
        with self.store.begin() as conn:
            old = conn.execute(sa.select(W.c.days).where(W.c.account_id == acc.id)).scalar()
            conn.execute(sa.delete(W).where(W.c.account_id == acc.id))
            conn.execute(sa.insert(W).values(account_id=acc.id, days=days))
            audit.record(conn, self.actor, "account.match_window", "account", acc.id, before={"days": old},
                         after={"days": days})
        engine.evaluate(self.store, c.id, refresh_suggestions=False)


def _decimal_text(v: Decimal | int, currency: str = "USD") -> str:
    return str(from_minor(v, currency)) if isinstance(v, int) else str(v)


__all__ = ["ReviewMixin", "exponent"]
