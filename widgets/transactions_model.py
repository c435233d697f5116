"""Transaction review state: filters, sort, one page of rows, edits and bulk actions.

The picked client's transactions are filtered and sorted in polars in the
kernel and only one page (``page_size`` rows) goes to the browser, so a client
with 100k transactions opens as fast as a small one. Every edit is validated
and saved by transaction id through the session at once and confirmed; then
(``settle``) the page shows what the store holds, never what was typed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
from traitlets import Bool, HasTraits, Instance, Int, List, Unicode, observe

from ledgerkit.errors import Invalid

from . import format as fmt
from . import review_access
from .client_data import ClientData
from .status_model import StatusModel

STATE_FILTERS = {
    "waiting": ("Waiting (GOLD, RED, BLUE)", ("gold", "red", "blue", "")),   # "" = not evaluated yet
    "gold": ("GOLD: needs coding", ("gold",)),
    "red": ("RED: coded by a rule", ("red",)),
    "blue": ("BLUE: already in the books", ("blue",)),
    "approved": ("Approved", ("approved",)),
    "exported": ("Exported", ("exported",)),
    "excluded": ("Excluded", ("excluded",)),
    "all": ("All transactions", ()),
}
SORTS = {"posted": "Date", "amount": "Amount", "payee": "Payee", "description": "Description",
         "account_name": "Bank account", "state": "State"}
# grid column -> field the session edits
EDITABLE = {"payee": "payee", "description": "description", "account": "account"}
GRID_COLUMNS = ["date", "bank account", "amount", "state", "payee", "description", "account", "explanation",
                "suggested", "check"]
REVIEW_COLUMNS = {"state": "", "coded_payee": "", "coded_account": "", "coded_description": "",
                  "coded_memo": "", "explanation": "", "suggested": "", "suggestions": ""}


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Give any transactions frame the review columns the grid shows (empty when not reviewed yet)."""
    missing = [pl.lit(v, dtype=pl.String).alias(k) for k, v in REVIEW_COLUMNS.items() if k not in frame.columns]
    return frame.with_columns(missing) if missing else frame


class TransactionsModel(HasTraits):
    client_id = Int(0)
    account = Int(0)                     # bank account id, 0 = all accounts
    accounts = List()                    # [(label, id)] of the client's accounts
    state = Unicode("waiting")           # a key of STATE_FILTERS
    date_from = Instance(dt.date, allow_none=True)
    date_to = Instance(dt.date, allow_none=True)
    text = Unicode("")
    sort = Unicode("posted")
    descending = Bool(False)
    page = Int(0)
    page_size = Int(200)
    total = Int(0)                       # rows matching the filters
    total_amount = Unicode("")           # their sum, formatted (single-currency clients)
    page_revision = Int(0)               # bumped when ``page_frame`` changed
    selected_ids = List()                # transaction ids selected in the grid
    suggestions = List()                 # for one selected GOLD row: [{"account", "confidence"}]
    changes = Int(0)                     # bumped after every saved change (the app recounts)

    def __init__(self, session, data: ClientData, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.data = data
        self.status = status
        self._filtered: pl.DataFrame = normalise(pl.DataFrame())
        self.page_frame: pd.DataFrame = self._to_grid(self._filtered)
        self._loading = False
        self._unsettled: set[int] = set()      # ids edited whose effects are not read back yet

    # -- loading and filtering ----------------------------------------------------

    def load(self, client_id: int) -> None:
        if client_id != self.client_id and self._unsettled:
            self.settle()               # the last client's edits are counted for that client
        if client_id and client_id not in self.data.learned:
            self.data.learned.add(client_id)
            review_access.learn_suggestions(self.session, client_id)    # so no edit waits for it
        self._loading = True
        try:
            if client_id != self.client_id:
                accounts = [(a.name + (f" {a.masked_number}" if a.number else ""), a.id)
                            for a in self.session.accounts(client_id)] if client_id else []
                with self.hold_trait_notifications():
                    if self.account not in [i for _l, i in accounts]:
                        self.account = 0
                    self.accounts = accounts
                    self.client_id = client_id
                    self.page = 0
        finally:
            self._loading = False
        self.refresh()

    def refresh(self) -> None:
        """Re-apply filters and sort to the (cached) client frame and rebuild the page (kept if it still exists)."""
        if not self.client_id:
            self._filtered = normalise(pl.DataFrame())
            self.total, self.total_amount = 0, ""
            self._build_page()
            return
        frame = normalise(self.data.frame(self.client_id))
        self._filtered = self._apply(frame)
        self.total = self._filtered.height
        currencies = self._filtered["currency"].unique().to_list() if self.total else []
        if len(currencies) == 1:
            self.total_amount = fmt.money(int(self._filtered["amount"].sum()), currencies[0], minor=True,
                                          symbol=True)
        else:
            self.total_amount = ""
        last = max(0, (self.total - 1) // self.page_size)
        if self.page > last:
            self._loading = True
            try:
                self.page = last
            finally:
                self._loading = False
        self._build_page()

    def _apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        cond = pl.lit(True)
        if self.account:
            cond &= pl.col("account_id") == self.account
        states = STATE_FILTERS.get(self.state, STATE_FILTERS["all"])[1]
        if states:
            cond &= pl.col("state").is_in(list(states))
        if self.date_from:
            cond &= pl.col("posted") >= self.date_from
        if self.date_to:
            cond &= pl.col("posted") <= self.date_to
        text = self.text.strip()
        if text:
            needle = text.lower()
            cond &= pl.any_horizontal(
                pl.col(c).fill_null("").str.to_lowercase().str.contains(needle, literal=True)
                for c in ("payee", "description", "memo", "check_number", "coded_payee", "coded_account",
                          "coded_description"))
        out = frame.filter(cond)
        key = self.sort if self.sort in out.columns else "posted"
        return out.sort([key, "id"], descending=[self.descending, self.descending], nulls_last=True)

    @observe("account", "state", "date_from", "date_to", "text", "sort", "descending")
    def _filters_changed(self, change) -> None:
        if self._loading or not self.client_id:
            return
        self._loading = True
        try:
            self.page = 0
        finally:
            self._loading = False
        self.refresh()

    @observe("page")
    def _page_changed(self, change) -> None:
        if not self._loading and self.client_id:
            self._build_page()

    # -- the page -------------------------------------------------------------------

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def go(self, where: str) -> None:
        target = {"first": 0, "prev": self.page - 1, "next": self.page + 1, "last": self.pages - 1}[where]
        self.page = max(0, min(self.pages - 1, target))

    def range_text(self) -> str:
        if not self.total:
            return "No transactions match."
        start = self.page * self.page_size
        end = min(self.total, start + self.page_size)
        return f"Rows {start + 1:,}–{end:,} of {self.total:,}"

    def _build_page(self) -> None:
        part = self._filtered.slice(self.page * self.page_size, self.page_size)
        self.page_frame = self._to_grid(part)
        self.selected_ids = []
        self.page_revision += 1

    @staticmethod
    def _to_grid(part: pl.DataFrame) -> pd.DataFrame:
        """Display frame for ipydatagrid: str ids (int64 would wrap), str editable columns, float amounts."""
        part = normalise(part)
        if part.height == 0:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in GRID_COLUMNS},
                                index=pd.Index([], name="id", dtype=object))
        exps = [fmt.exponent(c) for c in part["currency"].to_list()]
        amounts = [u / 10 ** e for u, e in zip(part["amount"].to_list(), exps, strict=True)]  # display only
        states = part["state"].fill_null("").to_list()

        def text(col: str, fallback: str | None = None) -> list[str]:
            values = part[col].fill_null("").to_list()
            if fallback:
                values = [v or f for v, f in zip(values, part[fallback].fill_null("").to_list(), strict=True)]
            return [str(v) for v in values]

        frame = pd.DataFrame({
            "date": [fmt.date(d) for d in part["posted"].to_list()],
            "bank account": text("account_name"),
            "amount": np.asarray(amounts, dtype="float64"),
            "state": [s.upper() if s in fmt.WAITING else s for s in states],
            "payee": text("coded_payee", "payee"),
            "description": text("coded_description", "description"),
            "account": text("coded_account"),
            "explanation": text("explanation"),
            "suggested": text("suggested"),
            "check": text("check_number"),
        }, index=pd.Index([str(i) for i in part["id"].to_list()], name="id", dtype=object))
        for col in ("date", "bank account", "state", "payee", "description", "account", "explanation",
                    "suggested", "check"):
            frame[col] = frame[col].astype(object)
        return frame

    def row(self, txn_id: int) -> dict | None:
        """One transaction as the store has it now (from the shared cache)."""
        hit = normalise(self.data.frame(self.client_id)).filter(pl.col("id") == txn_id)
        return hit.row(0, named=True) if hit.height else None

    def account_names(self) -> list[str]:
        if not self.client_id:
            return []
        return review_access.chart_of_accounts(self.session, self.client_id, normalise(self.data.frame(self.client_id)))

    # -- changes ------------------------------------------------------------------

    def edit(self, txn_id: int, column: str, value) -> None:
        """Save one edited cell by transaction id and say so at once.
        Raises ``Invalid`` (or another ``LedgerkitError``) to refuse the value.

        What the edit did to the rest of the page (the row's new state and explanation, other
        rows a remembered payee re-coded) is read afterwards by ``settle``: the confirmation
        must not wait for it."""
        field = EDITABLE.get(column)
        if field is None:
            raise Invalid(f"'{column}' cannot be edited: only payee, description and account can. "
                          "The value was put back.")
        text = "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()
        if field == "account" and not text:
            raise Invalid("An account cannot be cleared here; code the transaction to another account instead.")
        review_access.edit(self.session, self.client_id, txn_id, **{field: text})
        key = str(txn_id)
        if key in self.page_frame.index:          # what the grid shows now, until ``settle`` reads it back
            self.page_frame.loc[key, column] = "" if value is None else str(value)
        self.data.touched(self.client_id, [txn_id])
        self._unsettled.add(int(txn_id))
        self.status.success(f"Saved the {column} of transaction {txn_id}.")   # in the store now: say so first

    @property
    def unsettled(self) -> bool:
        """Edits saved whose effects on the page are not read back yet (see ``settle``)."""
        return bool(self._unsettled)

    def settle(self) -> dict[str, dict]:
        """After edits: re-read what they changed (the edited rows and whatever they re-coded, not the
        whole client), update the page's rows in place and recount. Returns the page's changed cells
        ``{id: {column: value}}`` for the grid."""
        if not self._unsettled:
            return {}
        self._unsettled.clear()
        updates = self.page_updates()
        self.changes += 1
        return updates

    def page_updates(self) -> dict[str, dict]:
        """Re-read the rows shown on this page; update ``page_frame`` and return what changed.
        Rows stay where they are (even if they no longer match the filter) until the page is rebuilt."""
        if self.page_frame.empty or not self.client_id:
            return {}
        ids = [int(i) for i in self.page_frame.index]
        fresh = normalise(self.data.frame(self.client_id)).filter(pl.col("id").is_in(ids))
        self._remember_rows(fresh)
        new = self._to_grid(fresh)
        changes: dict[str, dict] = {}
        for key in new.index:
            if key not in self.page_frame.index:
                continue
            old_row, new_row = self.page_frame.loc[key], new.loc[key]
            diff = {c: new_row[c] for c in new.columns if old_row[c] != new_row[c]}
            if diff:
                changes[key] = diff
                for c, v in diff.items():
                    self.page_frame.loc[key, c] = v
        return changes

    def _remember_rows(self, fresh: pl.DataFrame) -> None:
        """Keep the filtered list's copy of these rows current, so paging away and back shows them as
        stored (the list itself is re-filtered only when a filter changes)."""
        if fresh.height and self._filtered.height:
            fresh = fresh.select(self._filtered.columns)
            self._filtered = self._filtered.update(fresh, on="id", include_nulls=True)

    def target_ids(self, scope: str) -> list[int]:
        if scope == "filtered":
            return self._apply(normalise(self.data.frame(self.client_id)))["id"].to_list()
        return [int(i) for i in self.selected_ids]

    def _states(self, ids: list[int]) -> dict[int, str]:
        frame = normalise(self.data.frame(self.client_id)).filter(pl.col("id").is_in(ids))
        return dict(frame.select("id", "state").iter_rows())

    def bulk(self, action: str, scope: str = "selected", account: str = "", payee: str = "") -> int:
        """Approve, exclude or code many transactions at once; returns how many changed."""
        ids = self.target_ids(scope)
        if not ids:
            raise Invalid("Select rows in the grid first (click a row, shift-click another for a range), "
                          "or choose 'All matching the filters'.")
        if action == "code" and not account.strip():
            raise Invalid("Type or pick the account to code the selected transactions to.")
        allowed = {"approve": ("red", "blue"), "exclude": ("gold", "red", "blue", "approved", ""),
                   "code": ("gold", "red", "")}[action]
        states = self._states(ids)
        todo = [i for i in ids if states.get(i, "") in allowed]
        skipped = len(ids) - len(todo)
        if not todo:
            raise Invalid(self._skip_reason(action, skipped))
        with self.status.task(f"{action.capitalize()} {fmt.count(len(todo), 'transaction')}") as step:
            if action == "approve":
                review_access.approve(self.session, self.client_id, todo)
            elif action == "exclude":
                review_access.exclude(self.session, self.client_id, todo)
            else:
                review_access.code(self.session, self.client_id, todo, account.strip(), payee.strip() or None)
            step(0.7, "Refreshing the list")
            self.data.invalidate(self.client_id)
            self.refresh()
        self.changes += 1
        done = {"approve": "Approved", "exclude": "Excluded", "code": "Coded"}[action]
        message = f"{done} {fmt.count(len(todo), 'transaction')}" + (f" to {account.strip()}" if action == "code"
                                                                     else "") + "."
        if skipped:
            self.status.warning(message, self._skip_reason(action, skipped))
        else:
            self.status.success(message)
        return len(todo)

    @staticmethod
    def _skip_reason(action: str, skipped: int) -> str:
        why = {"approve": "only RED and BLUE rows can be approved; code GOLD rows first",
               "exclude": "exported rows cannot be excluded",
               "code": "approved, exported, excluded and BLUE rows are not coded again (reopen them first)"}[action]
        return f"{fmt.count(skipped, 'selected row')} left as they were: {why}."

    def apply_suggestion(self, txn_id: int, account: str) -> None:
        review_access.code(self.session, self.client_id, [txn_id], account)
        self.data.touched(self.client_id, [txn_id])
        self.refresh()
        self.changes += 1
        self.status.success(f"Coded transaction {txn_id} to {account}; its payee is remembered for next time.")

    def select(self, ids: list[int]) -> None:
        self.selected_ids = [int(i) for i in ids]
        row = self.row(self.selected_ids[0]) if len(self.selected_ids) == 1 else None
        self.suggestions = review_access.suggestions(row) if row and row.get("state") == "gold" else []
