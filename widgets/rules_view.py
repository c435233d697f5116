"""Rules: the ordered list (move, enable, edit) and the editor with its impact preview."""

from __future__ import annotations

import ipywidgets as w

from . import format as fmt
from .rules_model import FIELDS, RulesModel, ops_for

GROUP_TITLES = {"client": "This client's rules (run first, top to bottom)",
                "remembered": "Remembered payees (learned from coding)",
                "firm": "Firm rules (every client, after the client's own)"}


class RulesView(w.VBox):
    def __init__(self, model: RulesModel):
        self.model = model
        guard = model.status.guard
        self.list = w.VBox()
        self.list.add_class("lk-rules-list")
        self.new = w.Button(description="+ New rule", button_style="primary")
        self.new.add_class("lk-rule-new")
        self.undo = w.Button(description="↶ Undo last rule change", layout=w.Layout(width="auto"))
        self.undo.add_class("lk-rule-undo")
        self.new.on_click(guard(lambda _b: model.new_rule(), doing="start a new rule"))
        self.undo.on_click(guard(lambda _b: model.undo(), doing="undo the rule change"))
        # editor
        self.title = w.HTML()
        self.name = w.Text(description="Name", layout=w.Layout(width="100%"))
        self.name.add_class("lk-rule-name")
        self.scope = w.ToggleButtons(options=[("This client", "client"), ("Whole firm", "firm")],
                                     description="Applies to", style={"button_width": "auto"})
        self.match = w.ToggleButtons(options=[("all of", "all"), ("any of", "any")], description="When",
                                     style={"button_width": "auto"})
        self.conditions = w.VBox()
        self.conditions.add_class("lk-rule-conditions")
        self.add_condition = w.Button(description="+ condition", layout=w.Layout(width="auto"))
        self.add_condition.on_click(guard(lambda _b: model.add_condition(), doing="add a condition"))
        self.payee = w.Text(description="Payee", layout=w.Layout(width="100%"))
        self.payee.add_class("lk-rule-payee")
        self.account = w.Combobox(description="Account", ensure_option=False, layout=w.Layout(width="100%"))
        self.account.add_class("lk-rule-account")
        self.class_ = w.Text(description="Class", layout=w.Layout(width="100%"))
        self.memo = w.Text(description="Memo", layout=w.Layout(width="100%"))
        self.enabled = w.Checkbox(description="enabled", indent=False)
        for widget, name in ((self.name, "name"), (self.scope, "scope"), (self.match, "match"),
                             (self.payee, "payee"), (self.account, "account"), (self.class_, "class_"),
                             (self.memo, "memo"), (self.enabled, "enabled")):
            w.link((model, name), (widget, "value"))
        self.preview_button = w.Button(description="Preview impact", button_style="info")
        self.preview_button.add_class("lk-rule-preview")
        self.save = w.Button(description="Save rule", button_style="success")
        self.save.add_class("lk-rule-save")
        self.preview_button.on_click(guard(lambda _b: model.run_preview(), doing="preview the rule"))
        self.save.on_click(guard(lambda _b: model.save(), doing="save the rule"))
        self.preview = w.HTML()
        self.preview.add_class("lk-rule-preview-result")
        editor = w.VBox([self.title, self.name, self.scope, self.match, self.conditions, self.add_condition,
                         w.HTML("<b>Then</b>"), self.payee, self.account, self.class_, self.memo, self.enabled,
                         w.HBox([self.preview_button, self.save]), self.preview],
                        layout=w.Layout(width="520px", flex="0 0 520px", padding="0 16px 0 16px"))
        editor.add_class("lk-rule-editor")
        left = w.VBox([w.HBox([self.new, self.undo]), self.list], layout=w.Layout(flex="1 1 auto",
                                                                                  min_width="0"))
        super().__init__([w.HBox([left, editor], layout=w.Layout(width="100%"))])
        self.add_class("lk-rules")
        model.observe(self._render_list, names="rows")
        model.observe(self._render_conditions, names="conditions")
        model.observe(self._render_editor, names=["editing", "preview"])
        self._render_list()
        self._render_conditions()
        self._render_editor()

    # -- the list -------------------------------------------------------------------------

    def _render_list(self, _change=None) -> None:
        m = self.model
        guard = m.status.guard
        kids: list[w.Widget] = []
        for group in ("client", "remembered", "firm"):
            rows = [r for r in m.rows if r["group"] == group]
            kids.append(w.HTML(f'<div class="lk-section-title">{GROUP_TITLES[group]}</div>'))
            if not rows:
                kids.append(w.HTML('<div class="lk-muted">none</div>'))
                continue
            cells: list[w.Widget] = []
            for r in rows:
                up = w.Button(description="↑", tooltip="Run earlier", layout=w.Layout(width="32px"),
                              disabled=group == "remembered" or r["index"] == 0)
                down = w.Button(description="↓", tooltip="Run later", layout=w.Layout(width="32px"),
                                disabled=group == "remembered" or r["index"] == r["count"] - 1)
                up.add_class("lk-rule-up")
                down.add_class("lk-rule-down")
                enabled = w.Checkbox(value=bool(r["enabled"]), indent=False, layout=w.Layout(width="28px"),
                                     tooltip="Enabled")
                enabled.add_class("lk-rule-enabled")
                edit = w.Button(description="Edit", layout=w.Layout(width="60px"))
                edit.add_class("lk-rule-edit")
                rid = r["id"]
                up.on_click(guard(lambda _b, i=rid: m.move(i, -1), doing="move the rule"))
                down.on_click(guard(lambda _b, i=rid: m.move(i, 1), doing="move the rule"))
                enabled.observe(guard(lambda ch, i=rid: m.set_enabled(i, ch["new"]), doing="enable the rule"),
                                names="value")
                edit.on_click(guard(lambda _b, i=rid: m.edit(i), doing="edit the rule"))
                muted = "" if r["enabled"] else " lk-muted"
                text = w.HTML(f'<div class="{muted}"><b>{r["index"] + 1}. {fmt.esc(r["name"])}</b><br>'
                              f'<span class="lk-muted">when</span> {fmt.esc(r["when_text"])} '
                              f'<span class="lk-muted">→</span> {fmt.esc(r["then_text"])}</div>')
                cells += [up, down, enabled, text, edit]
            kids.append(w.GridBox(cells, layout=w.Layout(grid_template_columns="34px 34px 30px 1fr 64px",
                                                         width="100%", align_items="center")))
        self.list.children = kids

    # -- the editor -------------------------------------------------------------------------

    def _render_conditions(self, _change=None) -> None:
        m = self.model
        guard = m.status.guard
        rows = []
        for i, c in enumerate(m.conditions):
            field = w.Dropdown(options=[(v, k) for k, v in FIELDS.items()], value=c["field"],
                               layout=w.Layout(width="150px"))
            ops = ops_for(c["field"])
            op = w.Dropdown(options=[(v, k) for k, v in ops.items()],
                            value=c["op"] if c["op"] in ops else next(iter(ops)), layout=w.Layout(width="150px"))
            value = c.get("value", "")
            text = w.Text(value=", ".join(map(str, value)) if isinstance(value, list) else str(value or ""),
                          placeholder="in / out" if c["field"] == "direction" else "value",
                          continuous_update=False, layout=w.Layout(width="150px"))
            text.add_class("lk-rule-value")
            remove = w.Button(description="✕", tooltip="Remove", layout=w.Layout(width="32px"),
                              disabled=len(m.conditions) == 1)
            field.observe(guard(lambda ch, i=i: m.set_condition(i, field=ch["new"]), doing="change the condition"),
                          names="value")
            op.observe(guard(lambda ch, i=i: m.set_condition(i, op=ch["new"]), doing="change the condition"),
                       names="value")
            text.observe(guard(lambda ch, i=i: m.set_condition(i, value=ch["new"]), doing="change the condition"),
                         names="value")
            remove.on_click(guard(lambda _b, i=i: m.remove_condition(i), doing="remove the condition"))
            rows.append(w.HBox([field, op, text, remove]))
        self.conditions.children = rows

    def _render_editor(self, _change=None) -> None:
        m = self.model
        self.title.value = (f'<div class="lk-section-title">{"Edit rule" if m.editing else "New rule"}</div>')
        self.save.disabled = not m.preview
        self.preview.value = self._preview_html(m.preview) if m.preview else (
            '<div class="lk-muted">Preview the impact on every client\'s history before saving.</div>')
        if m.client_id:
            names = sorted({r.get("then", {}).get("account", "") for r in m.rows} - {""}, key=str.lower)
            self.account.options = names

    @staticmethod
    def _preview_html(p: dict) -> str:
        ch = p.get("changes", {})
        parts = [f'<div class="lk-banner lk-banner-info"><b>{ch.get("total", 0):,}</b> open transaction(s) would '
                 f'change ({ch.get("state", 0):,} change state, {ch.get("coding", 0):,} coding only) out of '
                 f'{p.get("transactions", 0):,}; {p.get("history", {}).get("total", 0):,} approved/exported '
                 "ones would have been coded differently (they are not changed).</div>"]
        by_state = ch.get("by_state") or {}
        if by_state:
            parts.append("<div>" + ", ".join(f"{fmt.esc(k.upper())}: {v:,}" for k, v in by_state.items()) + "</div>")
        examples = p.get("examples") or []
        if examples:
            body = "".join(
                f"<tr><td>{fmt.esc(e.get('client'))}</td><td>{fmt.esc(fmt.date(e.get('date')))}</td>"
                f"<td class='lk-num'>{fmt.esc(e.get('amount'))}</td><td>{fmt.esc(e.get('description'))}</td>"
                f"<td>{fmt.esc((e.get('before') or {}).get('state') or 'new')} → "
                f"{fmt.esc((e.get('after') or {}).get('state'))} "
                f"{fmt.esc((e.get('after') or {}).get('account') or '')}</td></tr>" for e in examples[:8])
            parts.append("<table class='lk-table'><tr><th>client</th><th>date</th><th class='lk-num'>amount</th>"
                         f"<th>description</th><th>change</th></tr>{body}</table>")
        for warning in p.get("warnings") or []:
            parts.append(f'<div class="lk-attention">⚠ {fmt.esc(warning)}</div>')
        return "".join(parts)
