"""Account suggestions for GOLD rows, learned from the client's coded history.

A TF-IDF model over character n-grams of the payee and description (plus the
direction of the money) and, when the history has two or more accounts, a
logistic regression (scikit-learn). The confidence is the model's probability
scaled by how familiar the text is (its cosine similarity to the nearest coded
transaction, full from 0.8), so a text unlike anything coded gets low confidence even when
one account dominates the history. Suggestions are never applied: the
bookkeeper chooses.

Models are cached per client and history, so re-evaluating after each edit
does not retrain unless the history changed.
"""

from __future__ import annotations

import hashlib
import threading
import warnings

import numpy as np
import polars as pl

MAX_HISTORY = 20_000        # most recent coded transactions used for learning
MIN_CONFIDENCE = 0.05
TOP = 3
FAMILIAR = 0.8              # cosine similarity from which a text counts as fully familiar

_cache: dict[str, object] = {}
_lock = threading.Lock()


def _texts(frame: pl.DataFrame) -> list[str]:
    direction = pl.when(pl.col("amount") < 0).then(pl.lit(" zzout")).otherwise(pl.lit(" zzin"))
    return frame.select(pl.concat_str([pl.col("payee").fill_null(""), pl.lit(" | "),
                                       pl.col("description").fill_null(""), direction])
                        .str.to_lowercase()).to_series().to_list()


class _Model:
    def __init__(self, history: pl.DataFrame):
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

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.clf = LogisticRegression(max_iter=300, C=10.0).fit(self.X, self.labels)

    def predict(self, frame: pl.DataFrame) -> list[list[dict]]:
        Q = self.vectorizer.transform(_texts(frame))
        sims = (Q @ self.X.T).tocsr()
        familiar = np.asarray(sims.max(axis=1).todense()).ravel() if sims.shape[1] else np.zeros(Q.shape[0])
        if self.clf is not None:
            proba = self.clf.predict_proba(Q)
            classes = list(self.clf.classes_)
        else:
            proba = np.ones((Q.shape[0], 1))
            classes = self.classes
        out = []
        for i in range(Q.shape[0]):
            conf = proba[i] * min(1.0, familiar[i].item() / FAMILIAR)
            order = np.argsort(-conf, kind="stable")[:TOP]
            out.append([{"account": classes[j], "confidence": round(conf[j].item(), 2)}
                        for j in order if conf[j] >= MIN_CONFIDENCE])
        return out


def suggest(history: pl.DataFrame, gold: pl.DataFrame, cache_key: str = "") -> dict[int, list[dict]]:
    """``history``: coded rows (payee, description, amount, account); ``gold``:
    rows to suggest for (id, payee, description, amount). Returns id -> up to
    three ``{"account", "confidence"}`` best first."""
    history = history.filter(pl.col("account").fill_null("") != "")
    if gold.height == 0 or history.height == 0:
        return {}
    history = history.tail(MAX_HISTORY)
    digest = hashlib.sha1()
    for col in ("payee", "description", "amount", "account"):
        digest.update(history[col].cast(pl.String).fill_null("").str.join("\x1f").item().encode())
    key = f"{cache_key}:{digest.hexdigest()}"
    with _lock:
        model = _cache.get(key)
    if model is None:
        model = _Model(history)
        with _lock:
            if len(_cache) > 32:
                _cache.clear()
            _cache[key] = model
    preds = model.predict(gold)   # type: ignore[attr-defined]
    return dict(zip(gold["id"].to_list(), preds, strict=True))
