"""Rules as data: the model, validation, and the YAML form firms keep in git.

A rule is a list of conditions combined with ``all`` or ``any`` and the coding
it applies (payee, account, class, memo, a split, or a transfer). Rules are
layered: firm rules (``scope: firm``) apply to every client; a client's own
rules run before them. Within a scope rules run in file order and the first
rule that matches wins (see ``evaluate``); a winner that sets no account lets the
first later rule that codes one supply the account (``engine``).

    rules:
      - name: Coffee shops
        scope: firm
        when:
          all:
            - {field: description, op: contains, value: STARBUCKS}
            - {field: amount, op: lt, value: "0"}
        then: {payee: Starbucks, account: Meals and Entertainment}

Amounts in rules are exact decimals (a YAML number is read as its text, never
as a float). Text comparisons ignore case; ``regex`` uses the Rust regex syntax
of polars, case-insensitive.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from ..errors import Invalid

FIELDS = ("description", "payee", "memo", "amount", "direction", "account", "check_number")
TEXT_FIELDS = ("description", "payee", "memo", "account", "check_number")
TEXT_OPS = ("contains", "not_contains", "equals", "starts_with", "ends_with", "regex", "present")
AMOUNT_OPS = ("equals", "lt", "gt", "between")
OPS = ("contains", "not_contains", "equals", "starts_with", "ends_with", "regex", "lt", "gt", "between",
       "present")
OP_WORDS = {"contains": "contains", "not_contains": "does not contain", "equals": "equals",
            "starts_with": "starts with", "ends_with": "ends with", "regex": "matches", "lt": "<", "gt": ">",
            "between": "between", "present": "present"}
AMOUNT_SCALE = 4           # rule amounts are compared in 1/10,000 of a currency unit
PERCENT_SCALE = 4          # split percentages carry at most 4 decimals
ORIGINS = ("file", "manual", "remembered")


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise Invalid(f"{what}: expected a number, got {value!r}")
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise Invalid(f"{what}: {value!r} is not a number") from None
    if not d.is_finite():
        raise Invalid(f"{what}: {value!r} is not a number")
    return d


def _scaled(d: Decimal, scale: int, what: str) -> int:
    s = d.scaleb(scale)
    if s != s.to_integral_value():
        raise Invalid(f"{what}: {d} has more than {scale} decimals")
    return int(s)


@dataclass(frozen=True, slots=True)
class Condition:
    """One test on one field. ``value`` is kept as written (text, or Decimal for
    amounts); ``low``/``high`` are the amount bounds in 1/10,000 units."""

    field: str
    op: str
    value: Any = None
    low: int | None = None
    high: int | None = None

    def describe(self) -> str:
        if self.op == "present":
            return f"{self.field} present" if self.value is not False else f"{self.field} absent"
        if self.op == "between":
            return f"{self.field} between {self.value[0]} and {self.value[1]}"
        if self.field in ("amount", "direction"):
            word = "=" if self.op == "equals" else OP_WORDS[self.op]
            return f"{self.field} {word} {self.value}"
        return f"{self.field} {OP_WORDS[self.op]} '{self.value}'"

    def to_dict(self) -> dict:
        if self.op == "present":
            d: dict[str, Any] = {"field": self.field, "op": "present"}
            if self.value is False:
                d["value"] = False
            return d
        if self.op == "between":
            return {"field": self.field, "op": "between", "value": [str(self.value[0]), str(self.value[1])]}
        return {"field": self.field, "op": self.op, "value": str(self.value)}


@dataclass(frozen=True, slots=True)
class SplitLine:
    """A line of a split: a percentage, a fixed amount, or neither (only on the
    last line: the remainder). A fixed amount written without a sign ("25.00")
    takes the transaction's sign; with a sign ("-1087.40", "+100") it is used as
    written, from the customer's side, so a deposit net of fees can be split
    into +1,100 sales and -100 fees. The last line always receives the
    remainder, so no cent is ever lost."""

    account: str
    percent: Decimal | None = None
    amount: Decimal | None = None
    memo: str = ""
    class_: str = ""
    signed: bool = False

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"account": self.account}
        if self.percent is not None:
            d["percent"] = str(self.percent)
        if self.amount is not None:
            d["amount"] = ("+" if self.signed and self.amount >= 0 else "") + str(self.amount)
        if self.memo:
            d["memo"] = self.memo
        if self.class_:
            d["class"] = self.class_
        return d


@dataclass(frozen=True, slots=True)
class Actions:
    payee: str = ""
    account: str = ""
    class_: str = ""
    memo: str = ""
    split: tuple[SplitLine, ...] = ()
    transfer_to: str = ""

    @property
    def codes_account(self) -> bool:
        """True when the rule says where the money goes (an account, a split or a transfer)."""
        return bool(self.account or self.split or self.transfer_to)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {}
        for key, attr in (("payee", "payee"), ("account", "account"), ("class", "class_"), ("memo", "memo")):
            if getattr(self, attr):
                d[key] = getattr(self, attr)
        if self.split:
            d["split"] = [s.to_dict() for s in self.split]
        if self.transfer_to:
            d["transfer_to"] = self.transfer_to
        return d


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    conditions: tuple[Condition, ...]
    actions: Actions
    match: str = "all"                 # all | any
    client_id: int | None = None       # None: firm-wide
    scope: str = "firm"                # as written / the client's name
    position: int = 0
    origin: str = "file"               # file | manual | remembered
    enabled: bool = True
    id: int | None = None

    @property
    def is_firm(self) -> bool:
        return self.client_id is None

    def describe(self) -> str:
        joiner = " and " if self.match == "all" else " or "
        return joiner.join(c.describe() for c in self.conditions) or "always"

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"name": self.name, "scope": self.scope}
        d["when"] = {self.match: [c.to_dict() for c in self.conditions]}
        d["then"] = self.actions.to_dict()
        if self.origin == "remembered":
            d["remembered"] = True
        if not self.enabled:
            d["enabled"] = False
        return d

    def with_(self, **kw) -> Rule:
        return replace(self, **kw)


# -- parsing ------------------------------------------------------------------

def _check_regex(pattern: str, what: str) -> None:
    try:
        pl.Series([""], dtype=pl.String).str.contains("(?i)" + pattern)
    except Exception as e:
        raise Invalid(f"{what}: invalid regular expression {pattern!r} ({str(e).splitlines()[0]})") from None


def parse_condition(raw: Any, what: str) -> Condition:
    if not isinstance(raw, dict):
        raise Invalid(f"{what}: a condition is a mapping like {{field: description, op: contains, value: X}}")
    unknown = set(raw) - {"field", "op", "value"}
    if unknown:
        raise Invalid(f"{what}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    fld = str(raw.get("field", "")).strip().lower()
    if fld not in FIELDS:
        raise Invalid(f"{what}: field must be one of {', '.join(FIELDS)} (got {raw.get('field')!r})")
    op = str(raw.get("op", "equals" if fld == "direction" else "")).strip().lower()
    op = {"eq": "equals", "=": "equals", "<": "lt", ">": "gt", "does_not_contain": "not_contains",
          "startswith": "starts_with", "endswith": "ends_with"}.get(op, op)
    if op not in OPS:
        raise Invalid(f"{what}: op must be one of {', '.join(OPS)} (got {raw.get('op')!r})")
    value = raw.get("value")
    if fld == "direction":
        v = str(value).strip().lower()
        if op != "equals" or v not in ("in", "out"):
            raise Invalid(f"{what}: direction takes op equals and value 'in' or 'out'")
        return Condition(fld, "equals", v)
    if fld == "amount":
        if op not in AMOUNT_OPS:
            raise Invalid(f"{what}: amount takes op {', '.join(AMOUNT_OPS)}")
        if op == "between":
            if not isinstance(value, list | tuple) or len(value) != 2:
                raise Invalid(f"{what}: between takes a value [low, high]")
            lo, hi = (_decimal(v, what) for v in value)
            if lo > hi:
                raise Invalid(f"{what}: between [{lo}, {hi}]: low is above high")
            return Condition(fld, op, (lo, hi), _scaled(lo, AMOUNT_SCALE, what), _scaled(hi, AMOUNT_SCALE, what))
        d = _decimal(value, what)
        n = _scaled(d, AMOUNT_SCALE, what)
        return Condition(fld, op, d, n, n)
    # text fields
    if op in ("lt", "gt", "between"):
        raise Invalid(f"{what}: {op} compares amounts; {fld} is text")
    if op == "present":
        if value is None or value is True or str(value).strip().lower() in ("true", "yes", "1"):
            return Condition(fld, "present", True)
        if value is False or str(value).strip().lower() in ("false", "no", "0"):
            return Condition(fld, "present", False)
        raise Invalid(f"{what}: present takes no value, or true/false")
    if value is None or isinstance(value, list | dict) or str(value) == "":
        raise Invalid(f"{what}: {op} needs a text value")
    text = str(value)
    if op == "regex":
        _check_regex(text, what)
    return Condition(fld, op, text)


def _parse_split(raw: Any, what: str) -> tuple[SplitLine, ...]:
    if not isinstance(raw, list) or not raw:
        raise Invalid(f"{what}: split is a list of {{account, percent}} or {{account, amount}}")
    lines = []
    for i, item in enumerate(raw, 1):
        w = f"{what}: split line {i}"
        if not isinstance(item, dict) or not str(item.get("account", "")).strip():
            raise Invalid(f"{w}: needs an account")
        unknown = set(item) - {"account", "percent", "amount", "memo", "class"}
        if unknown:
            raise Invalid(f"{w}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        pct = amt = None
        if item.get("percent") is not None and item.get("amount") is not None:
            raise Invalid(f"{w}: give a percent or an amount, not both")
        if item.get("percent") is not None:
            pct = _decimal(str(item["percent"]).rstrip("%"), w)
            _scaled(pct, PERCENT_SCALE, w)
            if pct < 0 or pct > 100:
                raise Invalid(f"{w}: percent must be between 0 and 100")
        signed = False
        if item.get("amount") is not None:
            amt = _decimal(item["amount"], w)
            _scaled(amt, AMOUNT_SCALE, w)
            signed = amt < 0 or str(item["amount"]).strip().startswith(("+", "-"))
        if pct is None and amt is None and i != len(raw):
            raise Invalid(f"{w}: only the last line may omit percent and amount (it takes the remainder)")
        lines.append(SplitLine(str(item["account"]).strip(), pct, amt, str(item.get("memo") or ""),
                               str(item.get("class") or ""), signed))
    pcts = [ln.percent for ln in lines if ln.percent is not None]
    if sum(pcts, Decimal(0)) > 100:
        raise Invalid(f"{what}: split percentages add up to more than 100")
    if len(pcts) == len(lines) and sum(pcts, Decimal(0)) != 100:
        raise Invalid(f"{what}: split percentages add up to {sum(pcts, Decimal(0))}, not 100")
    return tuple(lines)


def parse_actions(raw: Any, what: str) -> Actions:
    if not isinstance(raw, dict) or not raw:
        raise Invalid(f"{what}: 'then' needs at least one of payee, account, class, memo, split, transfer_to")
    unknown = set(raw) - {"payee", "account", "class", "memo", "split", "transfer_to"}
    if unknown:
        raise Invalid(f"{what}: unknown action(s) {', '.join(sorted(map(str, unknown)))}")

    def text(key):
        v = raw.get(key)
        if v is not None and not isinstance(v, str | int | Decimal):
            raise Invalid(f"{what}: {key} must be text")
        return "" if v is None else str(v).strip()

    split = _parse_split(raw["split"], what) if raw.get("split") is not None else ()
    actions = Actions(payee=text("payee"), account=text("account"), class_=text("class"), memo=text("memo"),
                      split=split, transfer_to=text("transfer_to"))
    if actions.transfer_to and actions.split:
        raise Invalid(f"{what}: a transfer cannot also be split")
    if not any((actions.payee, actions.account, actions.class_, actions.memo, actions.split,
                actions.transfer_to)):
        raise Invalid(f"{what}: 'then' sets nothing")
    return actions


def parse_rule(raw: Any, index: int, resolve_scope: Callable[[str], tuple[int | None, str]]) -> Rule:
    """One rule from its YAML mapping. ``resolve_scope(text)`` -> (client_id or None, scope name)."""
    what = f"rule {index}"
    if not isinstance(raw, dict):
        raise Invalid(f"{what}: a rule is a mapping with name, scope, when, then")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise Invalid(f"{what}: needs a name")
    what = f"rule {index} ({name!r})"
    unknown = set(raw) - {"name", "scope", "when", "then", "remembered", "enabled"}
    if unknown:
        raise Invalid(f"{what}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    try:
        client_id, scope = resolve_scope(str(raw.get("scope", "firm")).strip() or "firm")
    except Invalid as e:
        raise Invalid(f"{what}: {e}") from None
    when = raw.get("when")
    if when is None:
        when = {"all": []}
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        raise Invalid(f"{what}: 'when' takes one key, all or any, with a list of conditions")
    match, conds = next(iter(when.items()))
    conds = conds or []
    if not isinstance(conds, list):
        raise Invalid(f"{what}: '{match}' takes a list of conditions")
    if match == "any" and not conds:
        raise Invalid(f"{what}: 'any' with no conditions never matches")
    conditions = tuple(parse_condition(c, f"{what}, condition {i}") for i, c in enumerate(conds, 1))
    actions = parse_actions(raw.get("then"), what)
    origin = "remembered" if raw.get("remembered") else "file"
    return Rule(name=name, conditions=conditions, actions=actions, match=match, client_id=client_id,
                scope=scope, origin=origin, enabled=raw.get("enabled", True) is not False)


class _DecimalLoader(yaml.SafeLoader):
    """YAML numbers with a fraction become Decimal (exact), never float."""


def _float_as_decimal(loader, node):
    text = loader.construct_scalar(node).replace("_", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _float_as_decimal)


def load_yaml(text: str | bytes) -> list[dict]:
    try:
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as e:
        raise Invalid(f"not valid YAML: {e}") from None
    if data is None:
        return []
    if isinstance(data, list):
        return data
    if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
        raise Invalid("a rules file has a top-level 'rules:' list")
    return data.get("rules") or []


def parse_rules(raw_rules: Iterable[Any], resolve_scope: Callable[[str], tuple[int | None, str]]) -> list[Rule]:
    """Validate every rule; raises ``Invalid`` listing every problem (nothing half-parsed)."""
    out, problems = [], []
    for i, raw in enumerate(raw_rules, 1):
        try:
            out.append(parse_rule(raw, i, resolve_scope))
        except Invalid as e:
            problems.append(str(e))
    if problems:
        raise Invalid("the rules have problems:\n  " + "\n  ".join(problems))
    return out


def rules_from_file(path: str | Path, resolve_scope) -> list[Rule]:
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as e:
        raise Invalid(f"cannot read {p}: {e.strerror or e}") from None
    return parse_rules(load_yaml(text), resolve_scope)


def dump_yaml(rules: Iterable[Rule]) -> str:
    """The YAML form: firm rules first, then each client's, each in its order."""
    body = {"rules": [r.to_dict() for r in rules]}
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=120)


# -- the rule's condition and action payloads as stored (JSON) -----------------

def conditions_json(rule: Rule) -> list[dict]:
    return [c.to_dict() for c in rule.conditions]


def pending_id(scope: str) -> int:
    """The stand-in (negative) client id of a scope that names no client yet: stable, never in the database."""
    return -int(hashlib.sha1(scope.strip().lower().encode()).hexdigest()[:12], 16) - 1


def from_stored(row: Any, names: dict[int, str], ids: dict[str, int]) -> Rule:
    """A Rule from a ``rules`` table row (already validated when it was saved).
    ``names``: client id -> name; ``ids``: lower-cased name -> client id."""
    what = f"rule #{row.id} ({row.name!r})"
    conditions = tuple(parse_condition(c, what) for c in (row.conditions or []))
    stored_scope = (getattr(row, "scope", None) or "firm").strip()
    if row.client_id is not None:
        client_id, scope = row.client_id, names.get(row.client_id, stored_scope)
    elif stored_scope.lower() == "firm":
        client_id, scope = None, "firm"
    else:
        client_id = ids.get(stored_scope.lower(), pending_id(stored_scope))
        scope = names.get(client_id, stored_scope)
    return Rule(name=row.name, conditions=conditions, actions=parse_actions(row.actions, what), match=row.match,
                client_id=client_id, scope=scope, position=row.position, origin=row.origin,
                enabled=bool(row.enabled), id=row.id)


_WORD = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _WORD.sub("-", text.lower()).strip("-")


__all__ = ["FIELDS", "OPS", "Actions", "Condition", "Rule", "SplitLine", "dump_yaml", "field", "load_yaml",
           "parse_rules", "rules_from_file"]
