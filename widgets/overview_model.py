"""Overview of the picked client: every account with its balance and waiting counts, and a chart.

``rows`` hold display-ready values per account. ``series`` holds the
balance-over-time points per account (dates and balances in minor units),
anchored on the bank's reported balance when there is one, else on zero
before the first transaction; the view draws it with matplotlib.
"""

from __future__ import annotations

import polars as pl
from traitlets import Dict, HasTraits, Int, List

from ledgerkit.money import to_minor

from . import format as fmt
from . import review_access
from .client_data import ClientData
from .clients_model import account_attention
from .status_model import StatusModel


def balance_series(frame: pl.DataFrame, balances: list[dict]) -> dict[int, dict]:
    """Account id -> {"name", "currency", "dates", "balances"} (minor units), one point per day with activity."""
    out: dict[int, dict] = {}
    if frame.height == 0:
        return out
    daily = (frame.group_by("account_id", "posted").agg(pl.col("amount").sum())
             .sort("account_id", "posted")
             .with_columns(pl.col("amount").cum_sum().over("account_id").alias("running")))
    for b in balances:
        acc = b["account"]
        part = daily.filter(pl.col("account_id") == acc.id)
        if part.height == 0:
            continue
        offset = 0
        if b["source"] == "bank" and b["balance_date"] is not None:
            # the bank's balance on its date = offset + running total up to that date
            before = part.filter(pl.col("posted") <= b["balance_date"])
            running = int(before["running"][-1]) if before.height else 0
            offset = to_minor(b["balance"], acc.currency, round_excess=True) - running
        out[acc.id] = {"name": acc.name, "currency": acc.currency, "dates": part["posted"].to_list(),
                       "balances": [offset + int(v) for v in part["running"].to_list()]}
    return out


class OverviewModel(HasTraits):
    client_id = Int(0)
    rows = List()            # per account: see ``load``; counts are None until ``fill`` ran
    totals = Dict()          # waiting counts over all accounts ({} until ``fill`` ran)
    series = Dict()          # account id -> balance points (see ``balance_series``)

    def __init__(self, session, data: ClientData, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.data = data
        self.status = status
        self._balances: list[dict] = []

    def load(self, client_id: int) -> None:
        """The accounts with balances (one quick query), shown before anything slower."""
        if not client_id:
            with self.hold_trait_notifications():
                self.rows, self.totals, self.series, self.client_id = [], {}, {}, 0
            return
        balances = self.session.balances(client_id)
        attention = account_attention(balances, review_access.account_errors(self.session, client_id))
        rows = []
        for b in balances:
            a = b["account"]
            rows.append({
                "id": a.id, "name": a.name, "number": a.masked_number, "kind": a.kind.value.replace("_", " "),
                "institution": a.institution, "currency": a.currency,
                "balance": fmt.money(b["balance"], a.currency), "negative": b["balance"] < 0,
                "balance_date": fmt.date(b["balance_date"]), "age": fmt.age(b["balance_date"]),
                "source": b["source"], "transactions": b["transactions"],
                "gold": None, "red": None, "blue": None, "attention": attention.get(a.id, ""),
            })
        self._balances = balances
        with self.hold_trait_notifications():
            self.client_id = client_id
            self.rows = rows
            self.totals = {}
            self.series = {}

    def fill(self) -> None:
        """Waiting counts per account and the balance chart, from the client's review frame."""
        if not self.client_id:
            return
        frame = self.data.frame(self.client_id)
        counts = review_access.counts_by_account(self.session, self.client_id, frame)
        rows = [{**r, **{s: counts.get(r["id"], {}).get(s, 0) for s in fmt.WAITING}} for r in self.rows]
        with self.hold_trait_notifications():
            self.rows = rows
            self.totals = {s: sum(r[s] for r in rows) for s in fmt.WAITING}
        self.series = balance_series(frame, self._balances)
