"""Account suggestions for GOLD rows, learned from the client's coded history.

A TF-IDF model over character n-grams of the payee and description (plus the
direction of the money) and, when the history has two or more accounts, a
logistic regression (scikit-learn). The confidence is the model's probability
scaled by how familiar the text is (its cosine similarity to the nearest coded
transaction, full from 0.8), so a text unlike anything coded gets low confidence even when
one account dominates the history. Suggestions are never applied: the
bookkeeper chooses.

Models are cached per client and history, so re-evaluating after each edit
does not retrain unless the history changed. With ``fresh=False`` (a person's
interactive change) the model the process already holds for the client is used
even when the history (of more than ``QUICK`` rows) has moved on since it was
trained; the next evaluation
with ``fresh=True`` (an import, ``Session.evaluate``) trains on the current history.
Training runs on one thread (the solver's many small steps only contend for
the cores), and predictions go in blocks so memory stays flat for big batches.
"""

from __future__ import annotations

import hashlib
import threading
import warnings

import polars as pl

MAX_HISTORY = 20_000        # most recent coded transactions used for learning
MIN_CONFIDENCE = 0.05
TOP = 3
FAMILIAR = 0.8              # cosine similarity from which a text counts as fully familiar

QUICK = 200                 # a history this small trains in a fraction of a second: never stale
BLOCK = 500                 # rows predicted at a time (similarities are rows x history, often dense)

_cache: dict[str, object] = {}
_latest: dict[str, object] = {}     # cache_key -> the model most recently trained or used exactly
_lock = threading.Lock()


def _texts(frame: pl.DataFrame) -> list[str]:
    direction = pl.when(pl.col("amount") < 0).then(pl.lit(" zzout")).otherwise(pl.lit(" zzin"))
    return frame.select(pl.concat_str([pl.col("payee").fill_null(""), pl.lit(" | "),
                                       pl.col("description").fill_null(""), direction])
                        .str.to_lowercase()).to_series().to_list()


class _Model:
    def __init__(self, history: pl.DataFrame):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = _texts(history)
        labels = history["account"].to_list()
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1)
        self.X = self.vectorizer.fit_transform(texts)
        self.labels = np.array(labels, dtype=object)
        self.classes = sorted(set(labels))
        self.clf = None
        if len(self.classes) >= 2:
            from sklearn.linear_model import LogisticRegression
            from threadpoolctl import threadpool_limits

            with warnings.catch_warnings(), threadpool_limits(1):
                warnings.simplefilter("ignore")
                self.clf = LogisticRegression(max_iter=300, C=10.0).fit(self.X, self.labels)

    def predict(self, frame: pl.DataFrame) -> list[list[dict]]:
        texts = _texts(frame)
        out: list[list[dict]] = []
        for start in range(0, len(texts), BLOCK):
            out.extend(self._predict(texts[start:start + BLOCK]))
        return out

    def _predict(self, texts: list[str]) -> list[list[dict]]:
        import numpy as np

        Q = self.vectorizer.transform(texts)
        sims = (Q @ self.X.T).tocsr()
        familiar = np.asarray(sims.max(axis=1).todense()).ravel() if sims.shape[1] else np.zeros(Q.shape[0])
        if self.clf is not None:
            proba = self.clf.predict_proba(Q)
            classes = list(self.clf.classes_)
        else:
            proba = np.ones((Q.shape[0], 1))
            classes = self.classes
        conf = proba * np.minimum(1.0, familiar / FAMILIAR)[:, None]
        order = np.argsort(-conf, axis=1, kind="stable")[:, :TOP]
        top = np.take_along_axis(conf, order, axis=1)
        keep = top >= MIN_CONFIDENCE
        return [[{"account": classes[j], "confidence": round(c, 2)}
                 for j, c, k in zip(o, t, kk, strict=True) if k]
                for o, t, kk in zip(order.tolist(), top.tolist(), keep.tolist(), strict=True)]


def learn(history: pl.DataFrame, cache_key: str = "") -> object | None:
    """The model of ``history`` (trained unless cached), made the client's current one;
    None when there is nothing coded to learn from."""
    history = history.filter(pl.col("account").fill_null("") != "").tail(MAX_HISTORY)
    if history.height == 0:
        return None
    key = f"{cache_key}:{_digest(history)}"
    with _lock:
        model = _cache.get(key)
    if model is None:
        model = _Model(history)
        with _lock:
            if len(_cache) > 32:
                _cache.clear()
            _cache[key] = model
    with _lock:
        if len(_latest) > 32:
            _latest.clear()
        _latest[cache_key] = model
    return model


def _digest(history: pl.DataFrame) -> str:
    digest = hashlib.sha1()
    for col in ("payee", "description", "amount", "account"):
        digest.update(history[col].cast(pl.String).fill_null("").str.join("\x1f").item().encode())
    return digest.hexdigest()


def current(cache_key: str) -> object | None:
    """The model the process holds for a client (the latest trained or used exactly), if any."""
    with _lock:
        return _latest.get(cache_key)


def predict(model: object, gold: pl.DataFrame) -> dict[int, list[dict]]:
    """Suggestions for ``gold`` (id, payee, description, amount) from a given model."""
    if gold.height == 0:
        return {}
    return dict(zip(gold["id"].to_list(), model.predict(gold), strict=True))   # type: ignore[attr-defined]


def suggest(history: pl.DataFrame, gold: pl.DataFrame, cache_key: str = "", *, fresh: bool = True
            ) -> dict[int, list[dict]]:
    """``history``: coded rows (payee, description, amount, account); ``gold``:
    rows to suggest for (id, payee, description, amount). Returns id -> up to
    three ``{"account", "confidence"}`` best first. ``fresh=False``: when the
    history changed since the client's (``cache_key``) current model was trained
    and is more than ``QUICK`` rows, use that model rather than train a new one."""
    history = history.filter(pl.col("account").fill_null("") != "")
    if gold.height == 0 or history.height == 0:
        return {}
    history = history.tail(MAX_HISTORY)
    key = f"{cache_key}:{_digest(history)}"
    with _lock:
        model = _cache.get(key)
        exact = model is not None
        if model is None and not fresh and history.height > QUICK:
            model = _latest.get(cache_key)
    if model is None:
        model = _Model(history)
        exact = True
        with _lock:
            if len(_cache) > 32:
                _cache.clear()
            _cache[key] = model
    if exact:
        with _lock:
            if len(_latest) > 32:
                _latest.clear()
            _latest[cache_key] = model
    preds = model.predict(gold)   # type: ignore[attr-defined]
    return dict(zip(gold["id"].to_list(), preds, strict=True))
