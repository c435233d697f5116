"""The client picker: search box, Add client, and one card per client with what waits."""

from __future__ import annotations

import ipywidgets as w

from . import format as fmt
from .clients_model import ClientsModel


class ClientsView(w.VBox):
    def __init__(self, model: ClientsModel, on_add=None):
        self.model = model
        guard = model.status.guard
        self.search = w.Text(placeholder="Search clients by name…", continuous_update=True,
                             layout=w.Layout(width="100%"))
        self.search.add_class("lk-client-search")
        self.add_button = w.Button(description="+ Add client", button_style="primary",
                                   tooltip="Add a client step by step", layout=w.Layout(width="100%"))
        self.add_button.add_class("lk-add-client")
        self.legend = w.HTML(
            '<div class="lk-card-meta lk-legend">' + fmt.badge("gold", "G", "GOLD: needs coding")
            + "needs coding " + fmt.badge("red", "R", "RED: coded by a rule") + "rule "
            + fmt.badge("blue", "B", "BLUE: already in the books") + "in books</div>")
        self.empty = w.HTML('<div class="lk-muted">No client matches.</div>')
        self.list = w.VBox(layout=w.Layout(overflow="auto", max_height="calc(100vh - 220px)"))
        self.list.add_class("lk-client-list")
        self._cards: dict[int, w.VBox] = {}
        super().__init__([w.HTML('<div class="lk-section-title">Clients</div>'), self.search, self.add_button,
                          self.legend, self.list, self.empty])
        self.add_class("lk-clients")
        w.link((model, "query"), (self.search, "value"))
        if on_add is not None:
            self.add_button.on_click(guard(lambda _b: on_add(), doing="start adding a client"))
        model.observe(self._render_rows, names="rows")
        model.observe(self._render_visible, names="visible")
        model.observe(self._render_selected, names="selected")
        self._render_rows()

    def _card(self, row: dict) -> w.VBox:
        button = w.Button(description=row["name"], tooltip=f"Open {row['name']}", layout=w.Layout(width="100%"))
        button.add_class("lk-card-name")
        button.add_class(f"lk-client-{row['id']}")
        meta = w.HTML(self._meta(row))
        meta.add_class("lk-card-meta")
        button.on_click(self.model.status.guard(lambda _b, cid=row["id"]: self.model.pick(cid),
                                                doing="open the client"))
        card = w.VBox([button, meta])
        card.add_class("lk-card")
        return card

    @staticmethod
    def _meta(row: dict) -> str:
        parts = []
        if row.get("reviewed", True):
            parts.append(fmt.state_badges(row["gold"], row["red"], row["blue"]))
        parts.append(f'<span class="lk-muted">{fmt.count(row["accounts"], "account")} · '
                     f'{fmt.esc(ClientsModel.newest_text(row))}</span>')
        if row["attention"]:
            parts.append(f'<div class="lk-attention" title="{fmt.esc(row["attention_why"])}">⚠ '
                         f'{fmt.count(row["attention"], "account")} need attention</div>')
        return "<div>" + " ".join(parts) + "</div>"

    def _render_rows(self, _change=None) -> None:
        cards = []
        for row in self.model.rows:
            card = self._cards.get(row["id"])
            if card is None:
                card = self._card(row)
                self._cards[row["id"]] = card
            else:
                card.children[1].value = self._meta(row)
            cards.append(card)
        self.list.children = cards
        self._render_visible()
        self._render_selected()

    def _render_visible(self, _change=None) -> None:
        visible = set(self.model.visible)
        for cid, card in self._cards.items():
            card.layout.display = "flex" if cid in visible else "none"
        self.empty.layout.display = "none" if visible or not self.model.rows else "block"

    def _render_selected(self, _change=None) -> None:
        for cid, card in self._cards.items():
            if cid == self.model.selected:
                card.add_class("lk-card-selected")
            else:
                card.remove_class("lk-card-selected")
