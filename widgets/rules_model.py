"""Rules: the firm's and the client's rules in the order they run; add, edit, reorder, enable.

Rules are the review engine's plain dicts (``name``, ``scope``, ``when``:
``{all|any: [conditions]}``, ``then``: ``{payee, account, class, memo}``,
``enabled``). The editor's form is previewed with the engine's impact preview
(``preview_rules`` on the scope's whole rule list with the edited rule in
place) before it can be saved; any change to the form needs a new preview.
"""

from __future__ import annotations

from traitlets import Bool, Dict, HasTraits, Int, List, Unicode, observe

from ledgerkit.errors import Invalid

from . import review_access
from .client_data import ClientData
from .status_model import StatusModel

FIELDS = {"description": "Description", "payee": "Payee", "memo": "Memo", "amount": "Amount",
          "direction": "Direction (in/out)", "account": "Bank account", "check_number": "Check number"}
TEXT_OPS = {"contains": "contains", "not_contains": "does not contain", "equals": "equals",
            "starts_with": "starts with", "ends_with": "ends with", "regex": "matches (regex)"}
AMOUNT_OPS = {"equals": "=", "lt": "<", "gt": ">", "between": "between (low, high)"}
ACTIONS = ("payee", "account", "class", "memo")
KEEP = ("name", "scope", "when", "then", "remembered", "enabled")


def ops_for(field: str) -> dict[str, str]:
    if field == "amount":
        return AMOUNT_OPS
    if field == "direction":
        return {"equals": "is"}
    return TEXT_OPS


def rule_dict(row: dict) -> dict:
    """A listed rule (with id, position, origin) -> the dict ``save_rule`` takes."""
    return {k: v for k, v in row.items() if k in KEEP}


def describe(row: dict) -> tuple[str, str]:
    """(when, then) as short text for the list."""
    when = row.get("when") or {}
    match, conds = next(iter(when.items())) if when else ("all", [])
    parts = []
    for c in conds or []:
        op = c.get("op", "")
        value = c.get("value")
        if isinstance(value, list):
            value = " and ".join(map(str, value))
        words = {**TEXT_OPS, **{"lt": "<", "gt": ">", "between": "between", "present": "is present"}}.get(op, op)
        parts.append(f"{c.get('field')} {words} {value!r}" if op not in ("present",) else f"{c.get('field')} {words}")
    joiner = " and " if match == "all" else " or "
    then = row.get("then") or {}
    actions = ", ".join(f"{k} = {then[k]}" for k in ("payee", "account", "class", "memo") if then.get(k))
    if then.get("split"):
        actions += (", " if actions else "") + "split over " + ", ".join(s["account"] for s in then["split"])
    if then.get("transfer_to"):
        actions += (", " if actions else "") + f"transfer to {then['transfer_to']}"
    return joiner.join(parts) or "always", actions


class RulesModel(HasTraits):
    client_id = Int(0)
    client_name = Unicode("")
    rows = List()                 # listed rules: client's own (in order), remembered payees, then firm
    editing = Int(0)              # rule id in the editor, 0 = a new rule
    # the editor's form
    name = Unicode("")
    scope = Unicode("client")     # client | firm
    match = Unicode("all")
    conditions = List()           # [{"field", "op", "value"}]
    payee = Unicode("")
    account = Unicode("")
    class_ = Unicode("")
    memo = Unicode("")
    enabled = Bool(True)
    preview = Dict()              # the engine's impact preview of the form, {} when stale
    changes = Int(0)              # bumped after every saved change (the app reloads the client's panels)

    def __init__(self, session, data: ClientData, status: StatusModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.data = data
        self.status = status
        self.new_rule()

    # -- listing --------------------------------------------------------------------

    def load(self, client_id: int) -> None:
        self.client_id = client_id
        self.client_name = self.session.client(client_id).name if client_id else ""
        self.reload()

    def reload(self) -> None:
        if not self.client_id:
            self.rows = []
            return
        listed = review_access.require(self.session, "rules_list", "Rules")(self.client_id)
        own = sorted((r for r in listed if r["scope"] != "firm" and r.get("origin") != "remembered"),
                     key=lambda r: r["position"])
        remembered = sorted((r for r in listed if r["scope"] != "firm" and r.get("origin") == "remembered"),
                            key=lambda r: r["position"])
        firm = sorted((r for r in listed if r["scope"] == "firm"), key=lambda r: r["position"])
        rows = []
        for group, items in (("client", own), ("remembered", remembered), ("firm", firm)):
            for i, r in enumerate(items):
                when, then = describe(r)
                rows.append({**r, "group": group, "index": i, "count": len(items), "when_text": when,
                             "then_text": then, "enabled": r.get("enabled", True)})
        self.rows = rows

    def row(self, rule_id: int) -> dict:
        hit = next((r for r in self.rows if r["id"] == rule_id), None)
        if hit is None:
            raise Invalid(f"Rule {rule_id} is not listed any more; the list was reloaded.")
        return hit

    # -- the editor -------------------------------------------------------------------

    def new_rule(self) -> None:
        with self.hold_trait_notifications():
            self.editing, self.name, self.scope, self.match = 0, "", "client", "all"
            self.conditions = [{"field": "description", "op": "contains", "value": ""}]
            self.payee = self.account = self.class_ = self.memo = ""
            self.enabled = True
            self.preview = {}

    def edit(self, rule_id: int) -> None:
        r = self.row(rule_id)
        match, conds = next(iter((r.get("when") or {"all": []}).items()))
        then = r.get("then") or {}
        with self.hold_trait_notifications():
            self.editing = rule_id
            self.name = r["name"]
            self.scope = "firm" if r["scope"] == "firm" else "client"
            self.match = match
            self.conditions = [dict(c) for c in conds] or [{"field": "description", "op": "contains", "value": ""}]
            self.payee, self.account = then.get("payee", ""), then.get("account", "")
            self.class_, self.memo = then.get("class", ""), then.get("memo", "")
            self.enabled = r.get("enabled", True)
            self.preview = {}

    def set_condition(self, index: int, **values) -> None:
        conds = [dict(c) for c in self.conditions]
        conds[index].update(values)
        if "field" in values and conds[index]["op"] not in ops_for(conds[index]["field"]):
            conds[index]["op"] = next(iter(ops_for(conds[index]["field"])))
        self.conditions = conds

    def add_condition(self) -> None:
        self.conditions = [*self.conditions, {"field": "description", "op": "contains", "value": ""}]

    def remove_condition(self, index: int) -> None:
        self.conditions = [c for i, c in enumerate(self.conditions) if i != index]

    @observe("name", "scope", "match", "conditions", "payee", "account", "class_", "memo", "enabled")
    def _form_changed(self, _change) -> None:
        self.preview = {}

    def form_rule(self) -> dict:
        """The form as a rule dict (checked by the engine when previewed or saved)."""
        if not self.name.strip():
            raise Invalid("Give the rule a name, e.g. 'Coffee shops'.")
        conds = []
        for c in self.conditions:
            value = c.get("value")
            if c["field"] == "amount" and c["op"] == "between":
                parts = [p.strip() for p in str(value or "").replace(";", ",").split(",") if p.strip()]
                if len(parts) != 2:
                    raise Invalid("'between' takes two amounts: low, high (e.g. 10.00, 50.00)")
                value = parts
            elif isinstance(value, str):
                value = value.strip()
            if value in ("", None, []):
                raise Invalid(f"The condition on {c['field']} needs a value.")
            conds.append({"field": c["field"], "op": c["op"], "value": value})
        then = {k: v.strip() for k, v in (("payee", self.payee), ("account", self.account),
                                          ("class", self.class_), ("memo", self.memo)) if v.strip()}
        if not then:
            raise Invalid("Say what the rule does: at least a payee or an account.")
        rule = {"name": self.name.strip(), "scope": "firm" if self.scope == "firm" else self.client_name,
                "when": {self.match: conds}, "then": then}
        if not self.enabled:
            rule["enabled"] = False
        if self.editing and self.row(self.editing).get("origin") == "remembered":
            rule["remembered"] = True
        return rule

    def _scope_list(self, rule: dict) -> list[dict]:
        """The scope's own rules in order with ``rule`` in place (what the preview compares)."""
        group = "firm" if rule["scope"] == "firm" else "client"
        if rule.get("remembered"):
            group = "remembered"
        same = [r for r in self.rows if r["group"] == group]
        listed = [rule_dict(r) if r["id"] != self.editing else rule for r in same]
        if not self.editing or all(r["id"] != self.editing for r in same):
            listed.append(rule)
        return listed

    def run_preview(self) -> dict:
        rule = self.form_rule()
        preview_fn = review_access.require(self.session, "preview_rules", "The rule impact preview")
        with self.status.task("Previewing the rule over every client's history"):
            result = preview_fn(rules=self._scope_list(rule))
        self.preview = dict(result)
        return self.preview

    def save(self) -> dict:
        if not self.preview:
            raise Invalid("Preview the rule's impact first (the form changed since the last preview).")
        rule = self.form_rule()
        save_fn = review_access.require(self.session, "save_rule", "Saving rules")
        with self.status.task("Saving the rule and re-evaluating"):
            saved = save_fn(rule, rule_id=self.editing or None, preview=False)
        self.reload()
        self.data.invalidate()          # rules re-code every client
        self.changes += 1
        changed = self.preview.get("changes", {}).get("total", 0)
        self.status.success(f"Saved rule '{rule['name']}'; {changed:,} open transaction(s) re-coded.")
        new_id = (saved or {}).get("rule", {}).get("id") if isinstance(saved, dict) else None
        self.new_rule()
        return {"id": new_id}

    # -- list actions --------------------------------------------------------------------

    def move(self, rule_id: int, step: int) -> None:
        r = self.row(rule_id)
        if r["group"] == "remembered":
            raise Invalid("Remembered payees run after the client's own rules; their order does not matter.")
        target = r["index"] + step
        if not 0 <= target < r["count"]:
            return
        review_access.require(self.session, "save_rule", "Reordering rules")(
            rule_dict(r), position=target, rule_id=rule_id, preview=False)
        self.reload()
        self.data.invalidate()          # rules re-code every client
        self.changes += 1
        self.status.success(f"Moved '{r['name']}' {'up' if step < 0 else 'down'}.")

    def set_enabled(self, rule_id: int, enabled: bool) -> None:
        r = self.row(rule_id)
        if bool(r.get("enabled", True)) == bool(enabled):
            return
        rule = rule_dict(r)
        rule.pop("enabled", None)
        if not enabled:
            rule["enabled"] = False
        review_access.require(self.session, "save_rule", "Enabling rules")(rule, rule_id=rule_id, preview=False)
        self.reload()
        self.data.invalidate()          # rules re-code every client
        self.changes += 1
        self.status.success(f"{'Enabled' if enabled else 'Disabled'} rule '{r['name']}'.")

    def undo(self) -> None:
        result = review_access.require(self.session, "undo_rules", "Undoing rule changes")()
        self.reload()
        self.data.invalidate()          # rules re-code every client
        self.changes += 1
        self.status.success(f"Undone: {result.get('summary', 'the last rule change')}.")
