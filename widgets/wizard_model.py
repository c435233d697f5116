"""The add-client wizard: name and email -> invitation -> accounts or first files.

Step 0 collects name and email, step 1 the invitation choice (the client is
created when that step is confirmed), step 2 adds accounts or imports the
first files into the new client, step 3 is the summary.
"""

from __future__ import annotations

from traitlets import HasTraits, Int, List, Unicode

from ledgerkit.errors import Invalid

from . import review_access
from .status_model import StatusModel
from .upload_model import UploadModel

INVITES = {
    "default": "Send the default invitation email",
    "custom": "Send a custom message",
    "link": "Copy an invitation link",
    "none": "Send nothing (the firm already has the client's bank access)",
}
ACCOUNT_KINDS = {"checking": "Checking", "savings": "Savings", "credit_card": "Credit card", "other": "Other"}
STEPS = ("Name and email", "Invitation", "Accounts or first files", "Done")


class WizardModel(HasTraits):
    step = Int(0)
    name = Unicode("")
    email = Unicode("")
    invite = Unicode("none")
    message = Unicode("")           # the custom invitation text
    link = Unicode("")              # the invitation link, when the core gives one
    invite_note = Unicode("")       # what happened to the invitation
    client_id = Int(0)              # set once the client exists
    added_accounts = List()         # names of accounts added in step 2
    error = Unicode("")             # the problem with the current step, shown inline

    def __init__(self, session, status: StatusModel, upload: UploadModel, **kwargs):
        super().__init__(**kwargs)
        self.session = session
        self.status = status
        self.upload = upload

    def reset(self) -> None:
        with self.hold_trait_notifications():
            self.step, self.name, self.email, self.invite, self.message = 0, "", "", "none", ""
            self.link, self.invite_note, self.client_id, self.added_accounts, self.error = "", "", 0, [], ""

    def next(self) -> None:
        """Validate the current step and move on (step 1 creates the client)."""
        self.error = ""
        try:
            if self.step == 0:
                if not self.name.strip():
                    raise Invalid("Enter the client's name.")
                self.step = 1
            elif self.step == 1:
                self._create()
                self.step = 2
            elif self.step == 2:
                self.step = 3
        except Invalid as e:
            self.error = str(e)
            raise

    def back(self) -> None:
        self.error = ""
        if 0 < self.step <= 1:
            self.step -= 1

    def _create(self) -> None:
        if self.invite in ("default", "custom") and not self.email.strip():
            raise Invalid("An invitation email needs the client's email address: go back and enter it, "
                          "or choose 'Copy an invitation link' or 'Send nothing'.")
        if self.invite == "custom" and not self.message.strip():
            raise Invalid("Write the message to send, or choose the default invitation email.")
        if not self.client_id:
            client = self.session.add_client(self.name, self.email, self.invite)
            self.client_id = client.id
        note, link = review_access.send_invitation(self.session, self.client_id, self.invite, self.message)
        self.invite_note, self.link = note, link

    def add_account(self, name: str, kind: str = "checking", currency: str = "USD", institution: str = "",
                    number: str = "") -> None:
        if not self.client_id:
            raise Invalid("Create the client first.")
        if not name.strip():
            raise Invalid("Give the account a name, e.g. 'Operating checking'.")
        account = self.session.add_account(self.client_id, name, kind, currency, institution, number=number)
        self.added_accounts = [*self.added_accounts, account.name]

    def import_files(self, files: list[tuple[str, bytes]]) -> None:
        if not self.client_id:
            raise Invalid("Create the client first.")
        self.upload.import_files(self.client_id, files)
