"""Add client, step by step: name and email, invitation, accounts or first files, done."""

from __future__ import annotations

import ipywidgets as w

from . import format as fmt
from .upload_view import ACCEPT, uploaded_files
from .wizard_model import ACCOUNT_KINDS, INVITES, STEPS, WizardModel


class WizardView(w.VBox):
    def __init__(self, model: WizardModel, on_close=None):
        self.model = model
        self.on_close = on_close or (lambda client_id: None)
        guard = model.status.guard
        self.steps = w.HTML()
        self.error = w.HTML()
        # step 0
        self.name = w.Text(description="Name", placeholder="Client or business name",
                           layout=w.Layout(width="480px"))
        self.name.add_class("lk-wiz-name")
        self.email = w.Text(description="Email", placeholder="owner@example.com", layout=w.Layout(width="480px"))
        self.email.add_class("lk-wiz-email")
        w.link((model, "name"), (self.name, "value"))
        w.link((model, "email"), (self.email, "value"))
        # step 1
        self.invite = w.RadioButtons(options=[(label, key) for key, label in INVITES.items()], value="none",
                                     layout=w.Layout(width="auto"))
        self.invite.add_class("lk-wiz-invite")
        w.link((model, "invite"), (self.invite, "value"))
        self.message = w.Textarea(placeholder="Your message to the client (the invitation link is added below it)",
                                  layout=w.Layout(width="560px", height="110px"))
        self.message.add_class("lk-wiz-message")
        w.link((model, "message"), (self.message, "value"))
        # step 2
        self.acc_name = w.Text(description="Account", placeholder="e.g. Operating checking",
                               layout=w.Layout(width="330px"))
        self.acc_name.add_class("lk-wiz-acc-name")
        self.acc_kind = w.Dropdown(options=[(v, k) for k, v in ACCOUNT_KINDS.items()], value="checking",
                                   layout=w.Layout(width="140px"))
        self.acc_currency = w.Text(value="USD", layout=w.Layout(width="70px"), tooltip="Currency code")
        self.acc_number = w.Text(placeholder="number (optional)", layout=w.Layout(width="170px"))
        self.acc_add = w.Button(description="Add account")
        self.acc_add.add_class("lk-wiz-acc-add")
        self.files = w.FileUpload(accept=ACCEPT, multiple=True, description="Import first files")
        self.files.add_class("lk-wiz-files")
        self.step_note = w.HTML()
        # navigation
        self.back = w.Button(description="Back")
        self.back.add_class("lk-wiz-back")
        self.next = w.Button(description="Next", button_style="primary")
        self.next.add_class("lk-wiz-next")
        self.cancel = w.Button(description="Cancel")
        self.cancel.add_class("lk-wiz-cancel")
        self.body = w.VBox()
        super().__init__([w.HTML('<div class="lk-section-title">Add a client</div>'), self.steps, self.body,
                          self.error, w.HBox([self.back, self.next, self.cancel])])
        self.add_class("lk-wizard")
        self.next.on_click(guard(self._next, doing="continue"))
        self.back.on_click(guard(lambda _b: model.back(), doing="go back"))
        self.cancel.on_click(guard(self._cancel, doing="close the wizard"))
        self.acc_add.on_click(guard(self._add_account, doing="add the account"))
        self.files.observe(guard(self._on_files, doing="import the files"), names="value")
        model.observe(self._render, names=["step", "invite", "error", "added_accounts", "invite_note", "link"])
        self._render()

    def _next(self, _b) -> None:
        if self.model.step == 3:
            self._finish()
            return
        try:
            self.model.next()
        except Exception:
            self._render()
            raise

    def _finish(self) -> None:
        client_id = self.model.client_id
        self.model.reset()
        self.on_close(client_id)

    def _cancel(self, _b) -> None:
        client_id = self.model.client_id     # a client already created stays (it is in the store)
        self.model.reset()
        self.on_close(client_id)

    def _add_account(self, _b) -> None:
        self.model.add_account(self.acc_name.value, self.acc_kind.value, self.acc_currency.value,
                               number=self.acc_number.value)
        self.acc_name.value = self.acc_number.value = ""

    def _on_files(self, change) -> None:
        files = uploaded_files(change["new"])
        if not files:
            return
        try:
            self.model.import_files(files)
            results = self.model.upload.results
            self.step_note.value = "<br>".join(
                f"{fmt.esc(r['name'])}: {fmt.esc(r['status'])}, {r['added']:,} added" for r in results)
        finally:
            self.files.value = ()

    def _render(self, _change=None) -> None:
        m = self.model
        chips = []
        for i, title in enumerate(STEPS):
            cls = "lk-step-current" if i == m.step else ("lk-step-done" if i < m.step else "")
            chips.append(f'<span class="lk-step {cls}">{i + 1}. {fmt.esc(title)}</span>')
        self.steps.value = f'<div class="lk-steps">{"".join(chips)}</div>'
        self.error.value = f'<div class="lk-error-inline">{fmt.esc(m.error)}</div>' if m.error else ""
        if m.step == 0:
            self.body.children = [self.name, self.email,
                                  w.HTML('<div class="lk-muted">The email is needed only to send the invitation.'
                                         "</div>")]
        elif m.step == 1:
            kids = [w.HTML("<b>How should the client be invited to connect their banks?</b>"), self.invite]
            if m.invite == "custom":
                kids.append(self.message)
            self.body.children = kids
        elif m.step == 2:
            added = ", ".join(m.added_accounts) or "none yet"
            invite = f'<div class="lk-banner lk-banner-info">{fmt.esc(m.invite_note)}'
            if m.link:
                invite += (f'<br><input class="lk-wiz-link" readonly value="{fmt.esc(m.link)}" '
                           'style="width:100%" onclick="this.select()">')
            invite += "</div>"
            self.body.children = [
                w.HTML(invite),
                w.HTML("<b>Add the client's accounts</b> (or skip: importing files creates them)"),
                w.HBox([self.acc_name, self.acc_kind, self.acc_currency, self.acc_number, self.acc_add]),
                w.HTML(f'<div class="lk-muted">Accounts added: {fmt.esc(added)}</div>'),
                w.HTML("<b>…or import the first files</b> (OFX/QFX/QBO, CSV, QIF, statements, images)"),
                self.files, self.step_note]
        else:
            self.body.children = [w.HTML(
                f"<b>{fmt.esc(m.name)}</b> is ready. Open the client to review its transactions.")]
        self.back.layout.display = "inline-flex" if m.step == 1 else "none"
        self.next.description = {0: "Next", 1: "Create client", 2: "Next", 3: "Open client"}[m.step]
