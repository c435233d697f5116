"""Check (or deposit) image, large and zoomable, beside its coding form, with keyboard shortcuts.

The shortcuts (Alt+N next, Alt+P previous, Ctrl+Enter save) are bound by the
dashboard's Voila template script, which clicks the buttons carrying the
``lk-key-*`` classes; the buttons work the same with the mouse.
"""

from __future__ import annotations

import io

import ipywidgets as w
from PIL import ImageFile

from . import format as fmt
from . import review_access
from .checks_model import KINDS, ChecksModel

BROWSER_FORMATS = {"PNG": "png", "JPEG": "jpeg", "GIF": "gif", "WEBP": "webp"}


def browser_image(data: bytes) -> tuple[bytes, str]:
    """Bytes the browser can show (TIFF and other scans are converted to PNG) and their format."""
    if not data:
        return b"", "png"
    try:
        parser = ImageFile.Parser()           # decodes bytes in memory
        parser.feed(data)
        img = parser.close()
    except Exception:
        return data, "png"
    fmt_name = BROWSER_FORMATS.get(img.format or "")
    if fmt_name:
        return data, fmt_name
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PNG")
    return buf.getvalue(), "png"


class ChecksView(w.VBox):
    def __init__(self, model: ChecksModel):
        self.model = model
        guard = model.status.guard
        kind = model.kind
        self.position = w.HTML()
        self.only_waiting = w.Checkbox(value=model.only_waiting, description="only those that need coding",
                                       indent=False)
        w.link((model, "only_waiting"), (self.only_waiting, "value"))
        self.prev = w.Button(description="‹ Previous", tooltip="Previous (Alt+P)")
        self.prev.add_class("lk-key-prev")
        self.prev.add_class(f"lk-{kind}-prev")
        self.next = w.Button(description="Next ›", tooltip="Next (Alt+N)")
        self.next.add_class("lk-key-next")
        self.next.add_class(f"lk-{kind}-next")
        self.zoom_out = w.Button(description="−", tooltip="Zoom out", layout=w.Layout(width="36px"))
        self.zoom_fit = w.Button(description="Fit", tooltip="Fit the width", layout=w.Layout(width="48px"))
        self.zoom_in = w.Button(description="+", tooltip="Zoom in", layout=w.Layout(width="36px"))
        self.zoom_in.add_class(f"lk-{kind}-zoom-in")
        self.zoom = w.IntSlider(min=25, max=400, step=25, readout_format="d", description="Zoom %",
                                layout=w.Layout(width="260px"))
        w.link((model, "zoom"), (self.zoom, "value"))
        self.image = w.Image(format="png", layout=w.Layout(width="100%"))
        self.image.add_class(f"lk-{kind}-image")
        self.image_box = w.Box([self.image], layout=w.Layout(height="560px", overflow="auto", width="100%"))
        self.image_box.add_class("lk-check-image")
        self.caption = w.HTML()
        # form
        self.facts = w.HTML()
        self.facts.add_class(f"lk-{kind}-facts")
        self.payee = w.Text(description="Payee", continuous_update=True, placeholder="as written on the image",
                            layout=w.Layout(width="100%"))
        self.payee.add_class(f"lk-{kind}-payee")
        self.account = w.Combobox(description="Account", ensure_option=False, continuous_update=True,
                                  placeholder="e.g. Rent", layout=w.Layout(width="100%"))
        self.account.add_class(f"lk-{kind}-account")
        self.memo = w.Text(description="Memo", continuous_update=True, layout=w.Layout(width="100%"))
        self.memo.add_class(f"lk-{kind}-memo")
        for widget, name in ((self.payee, "payee"), (self.account, "account"), (self.memo, "memo")):
            w.link((model, name), (widget, "value"))
        self.save = w.Button(description="Save and next", button_style="primary", tooltip="Save (Ctrl+Enter)")
        self.save.add_class("lk-key-save")
        self.save.add_class(f"lk-{kind}-save")
        keys = w.HTML('<div class="lk-muted">Keys: <span class="lk-kbd">Alt+N</span> next · '
                      '<span class="lk-kbd">Alt+P</span> previous · <span class="lk-kbd">Ctrl+Enter</span> save</div>')
        form = w.VBox([w.HTML(f'<div class="lk-section-title">Code this {kind}</div>'), self.facts, self.payee,
                       self.account, self.memo, self.save, keys],
                      layout=w.Layout(width="380px", flex="0 0 380px", padding="0 0 0 12px"))
        form.add_class("lk-check-form")
        viewer = w.VBox([w.HBox([self.zoom_out, self.zoom_fit, self.zoom_in, self.zoom, self.caption],
                                layout=w.Layout(align_items="center")), self.image_box],
                        layout=w.Layout(flex="1 1 auto", min_width="0"))
        self.empty = w.HTML()
        self.side_by_side = w.HBox([viewer, form], layout=w.Layout(width="100%"))
        super().__init__([w.HBox([self.prev, self.next, self.position, self.only_waiting],
                                 layout=w.Layout(align_items="center")),
                          self.empty, self.side_by_side])
        self.add_class(f"lk-{kind}s")
        self.add_class("lk-side-by-side")
        self.prev.on_click(guard(lambda _b: model.previous(), doing=f"go to the previous {kind}"))
        self.next.on_click(guard(lambda _b: model.next(), doing=f"go to the next {kind}"))
        self.save.on_click(guard(lambda _b: model.save(), doing=f"save the {kind}"))
        self.zoom_in.on_click(lambda _b: model.zoom_by(25))
        self.zoom_out.on_click(lambda _b: model.zoom_by(-25))
        self.zoom_fit.on_click(lambda _b: setattr(model, "zoom", 100))
        model.observe(self._render_image, names="image")
        model.observe(self._render_zoom, names="zoom")
        model.observe(self._render_item, names=["items", "index"])
        self._render_image()
        self._render_zoom()
        self._render_item()

    def _render_image(self, _change=None) -> None:
        data, kind = browser_image(self.model.image)
        self.image.format = kind
        self.image.value = data
        self.caption.value = f'<span class="lk-muted">{fmt.esc(self.model.image_name)}</span>'

    def _render_zoom(self, _change=None) -> None:
        self.image.layout.width = f"{self.model.zoom}%"

    def _render_item(self, _change=None) -> None:
        m = self.model
        self.position.value = f"<b>{fmt.esc(m.position_text())}</b>"
        item = m.current
        has = item is not None
        self.side_by_side.layout.display = "flex" if has else "none"
        self.empty.value = "" if has else (
            f'<div class="lk-panel lk-muted">No {KINDS[m.kind].lower()} to show. Images arrive with the bank '
            "files, or drop them on this page.</div>")
        self.prev.disabled = not has or m.index == 0
        self.next.disabled = not has or m.index >= len(m.items) - 1
        self.save.disabled = not has
        if m.client_id:
            self.account.options = review_access.chart_of_accounts(m.session, m.client_id, m.frame())
        if not has:
            self.facts.value = ""
            return
        label = "Check number" if m.kind == "check" else "Deposit"
        match = ""
        if item["image_amount"] and item["bank_amount"]:
            same = item["image_amount"].lstrip("-") == item["bank_amount"].lstrip("-")
            match = (' <span style="color:#137333">✓ matches</span>' if same
                     else ' <span class="lk-negative">✖ differs from the image</span>')
        state = item["state"] or "not reviewed"
        rows = [
            (label, fmt.esc(item["number"]) or "—"),
            ("Bank amount", f"<b>{fmt.esc(item['bank_amount']) or '—'}</b> {fmt.esc(item['currency'])}{match}"),
            ("On the image", fmt.esc(item["image_amount"]) or "—"),
            ("Date", fmt.esc(item["date"]) or "—"),
            ("Bank text", fmt.esc(item["description"]) or "—"),
            ("State", fmt.badge(state, state.upper() if state in fmt.WAITING else state)),
        ]
        if not item["linked"]:
            rows.append(("", '<span class="lk-attention">Not matched to a bank transaction yet</span>'))
        self.facts.value = ('<table class="lk-table">' + "".join(
            f"<tr><td class='lk-muted'>{k}</td><td>{v}</td></tr>" for k, v in rows) + "</table>")
