"""Register matching: which new bank transactions are already in the books (BLUE).

A bank transaction and a register entry are candidates when they are in the
same account, have exactly the same amount, are posted within the account's
date window (default +-5 days), and do not carry two different check numbers.
Among candidates the assignment is one-to-one and globally best, in this order
of importance:

1. as many matches as possible (two identical same-day bank rows never share
   one register entry; one bank row never takes two entries);
2. equal check numbers;
3. the smallest date differences;
4. payee similarity (shared words), which only breaks ties;
5. the match the row already had (so equal candidates do not swap).

The work is vectorised: candidates come from one hash join on (account,
amount, date bucket); every pair that is the only candidate of both its sides
(the vast majority) is matched directly; only the small connected groups of
competing candidates are solved exactly with an assignment solver (dense
Hungarian for small groups, sparse LAPJV for large ones).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import numpy as np

# numpy and scipy are imported where competing candidates are solved: most
# evaluations (and every command-line start) never need them

DEFAULT_WINDOW = 5
BANK_COLUMNS = {"id": pl.Int64, "account_id": pl.Int64, "posted": pl.Date, "amount": pl.Int64,
                "check_number": pl.String, "text": pl.String}
REGISTER_COLUMNS = {"entry_id": pl.Int64, "account_id": pl.Int64, "posted": pl.Date, "amount": pl.Int64,
                    "check_number": pl.String, "payee": pl.String}
RESULT_SCHEMA = {"id": pl.Int64, "entry_id": pl.Int64, "date_diff": pl.Int32, "check_match": pl.Boolean,
                 "payee_similarity": pl.Float64, "keys": pl.List(pl.String)}

# cost weights: lexicographic in practice (see the module docstring)
K_CHECK, K_DATE, K_PAYEE = 1_000_000.0, 1_000.0, 100.0
K_STAY = 0.5                # an existing match stays when all else is equal
_NO_EDGE = 1e13
_DENSE_LIMIT = 400          # nodes per side above which the sparse solver is used


def _check_key(expr: pl.Expr) -> pl.Expr:
    """Comparable check number: digits without leading zeros, else the lower-cased text."""
    s = expr.fill_null("").str.strip_chars()
    digits = s.str.replace_all(r"\D", "").str.strip_chars_start("0")
    return pl.when(s.str.contains(r"^\D*\d+\D*$")).then(digits).otherwise(s.str.to_lowercase())


def _tokens(expr: pl.Expr) -> pl.Expr:
    return expr.fill_null("").str.to_lowercase().str.extract_all(r"[a-z]{3,}").list.unique()


def payee_similarity(bank_text: pl.Expr, register_payee: pl.Expr) -> pl.Expr:
    """Share of the register payee's words (3+ letters) found in the bank text, 0..1."""
    reg = _tokens(register_payee)
    shared = reg.list.set_intersection(_tokens(bank_text)).list.len()
    n = reg.list.len()
    return pl.when(n > 0).then(shared / n).otherwise(0.0)


def candidates(bank: pl.DataFrame, register: pl.DataFrame, windows: pl.DataFrame | None = None,
               default_window: int = DEFAULT_WINDOW) -> pl.DataFrame:
    """Every admissible (bank, register) pair with its date difference and check equality."""
    if windows is None or windows.height == 0:
        windows = pl.DataFrame(schema={"account_id": pl.Int64, "days": pl.Int32})
    win = windows.select(pl.col("account_id").cast(pl.Int64), pl.col("days").cast(pl.Int32).alias("_w"))

    def prep(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.join(win, on="account_id", how="left").with_columns(
            _w=pl.col("_w").fill_null(default_window))
        day = pl.col("posted").cast(pl.Int32)
        return frame.with_columns(_bucket=day // pl.max_horizontal(pl.col("_w"), pl.lit(1)),
                                  _check=_check_key(pl.col("check_number")))

    b = prep(bank.select(list(BANK_COLUMNS)))
    r = prep(register.select(list(REGISTER_COLUMNS))).select(
        "entry_id", "account_id", "amount", "_bucket", pl.col("posted").alias("_rposted"),
        pl.col("_check").alias("_rcheck"), "payee")
    exploded = b.with_columns(_off=pl.int_ranges(-1, 2, dtype=pl.Int32)).explode("_off").with_columns(
        _bucket=pl.col("_bucket") + pl.col("_off"))
    pairs = exploded.join(r, on=["account_id", "amount", "_bucket"])
    pairs = pairs.with_columns(date_diff=(pl.col("posted") - pl.col("_rposted")).dt.total_days().cast(pl.Int32))
    both = (pl.col("_check") != "") & (pl.col("_rcheck") != "")
    pairs = pairs.filter((pl.col("date_diff").abs() <= pl.col("_w")) & ~(both & (pl.col("_check") != pl.col("_rcheck"))))
    return pairs.select("id", "entry_id", "date_diff", (both & (pl.col("_check") == pl.col("_rcheck"))).alias("check_match"),
                        "text", "payee")


def _solve_group(b: np.ndarray, r: np.ndarray, cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best one-to-one assignment within one group of competing candidates."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    ub, ib = np.unique(b, return_inverse=True)
    ur, ir = np.unique(r, return_inverse=True)
    nb, nr = len(ub), len(ur)
    if max(nb, nr) <= _DENSE_LIMIT:
        m = np.full((nb, nr), _NO_EDGE)
        m[ib, ir] = cost
        x, y = linear_sum_assignment(m)
        keep = m[x, y] < _NO_EDGE
        return ub[x[keep]], ur[y[keep]]
    # sparse: every node may also stay unmatched through its own dummy partner;
    # a dummy-to-dummy edge mirrors each real edge so the matching stays perfect
    shift = cost - cost.min() + 1.0
    big = 2.0 * shift.max().item() + 10.0
    rows = np.concatenate([ib, np.arange(nb), nb + np.arange(nr), nb + ir])
    cols = np.concatenate([ir, nr + np.arange(nb), np.arange(nr), nr + ib])
    vals = np.concatenate([shift, np.full(nb, big), np.full(nr, big), np.ones(len(ib))])
    g = csr_matrix((vals, (rows, cols)), shape=(nb + nr, nr + nb))
    left, right = min_weight_full_bipartite_matching(g)
    real = (left < nb) & (right < nr)
    return ub[left[real]], ur[right[real]]


def match(bank: pl.DataFrame, register: pl.DataFrame, windows: pl.DataFrame | None = None,
          default_window: int = DEFAULT_WINDOW, previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """The best one-to-one assignment of bank rows to register entries (``RESULT_SCHEMA``).
    ``previous`` (id, entry_id): the current matches, kept when everything else is equal."""
    if bank.height == 0 or register.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    pairs = candidates(bank, register, windows, default_window)
    if pairs.height == 0:
        return pl.DataFrame(schema=RESULT_SCHEMA)
    pairs = pairs.with_columns(_nb=pl.len().over("id"), _nr=pl.len().over("entry_id"))
    single = (pl.col("_nb") == 1) & (pl.col("_nr") == 1)
    chosen = [pairs.filter(single).select("id", "entry_id")]
    rest = pairs.filter(~single)
    if rest.height:
        import numpy as np
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        rest = rest.with_columns(_sim=payee_similarity(pl.col("text"), pl.col("payee")))
        if previous is not None and previous.height:
            prev = previous.select(pl.col("id").cast(pl.Int64), pl.col("entry_id").cast(pl.Int64),
                                   pl.lit(True).alias("_prev"))
            rest = rest.join(prev, on=["id", "entry_id"], how="left").with_columns(pl.col("_prev").fill_null(False))
        else:
            rest = rest.with_columns(_prev=pl.lit(False))
        b = rest["id"].to_numpy()
        r = rest["entry_id"].to_numpy()
        cost = (K_CHECK * (~rest["check_match"].to_numpy()).astype(float)
                + K_DATE * np.abs(rest["date_diff"].to_numpy()).astype(float)
                + K_PAYEE * (1.0 - rest["_sim"].to_numpy())
                - K_STAY * rest["_prev"].to_numpy().astype(float))
        ub, ib = np.unique(b, return_inverse=True)
        ur, ir = np.unique(r, return_inverse=True)
        n = len(ub) + len(ur)
        graph = coo_matrix((np.ones(len(ib)), (ib, len(ub) + ir)), shape=(n, n)).tocsr()
        _, labels = connected_components(graph, directed=False)
        comp = labels[ib]
        order = np.lexsort((r, b, comp))
        comp, b, r, cost = comp[order], b[order], r[order], cost[order]
        cuts = np.flatnonzero(np.diff(comp)) + 1
        got_b, got_r = [], []
        for s, e in zip(np.concatenate([[0], cuts]), np.concatenate([cuts, [len(comp)]]), strict=True):
            x, y = _solve_group(b[s:e], r[s:e], cost[s:e])
            got_b.append(x)
            got_r.append(y)
        chosen.append(pl.DataFrame({"id": np.concatenate(got_b).astype(np.int64),
                                    "entry_id": np.concatenate(got_r).astype(np.int64)}))
    result = pl.concat(chosen).join(pairs, on=["id", "entry_id"])
    result = result.with_columns(payee_similarity=payee_similarity(pl.col("text"), pl.col("payee")))
    keys = pl.concat_list(
        pl.lit("amount"),
        pl.when(pl.col("check_match")).then(pl.lit("check_number")),
        pl.lit("date"),
        pl.when(pl.col("payee_similarity") >= 0.5).then(pl.lit("payee")),
    ).list.drop_nulls()
    return result.select("id", "entry_id", "date_diff", "check_match", "payee_similarity", keys.alias("keys")) \
        .cast(RESULT_SCHEMA).sort("id")
