"""The message banner and progress bar above every panel."""

from __future__ import annotations

import ipywidgets as w

from .format import esc
from .status_model import StatusModel

ICONS = {"info": "ℹ", "success": "✓", "warning": "⚠", "error": "✖"}


class StatusView(w.VBox):
    def __init__(self, model: StatusModel):
        self.model = model
        self.banner = w.HTML()
        self.dismiss = w.Button(description="Dismiss", tooltip="Hide this message",
                                layout=w.Layout(width="90px", flex="0 0 auto"))
        self.dismiss.add_class("lk-dismiss")
        self.bar = w.FloatProgress(min=0.0, max=1.0, layout=w.Layout(width="320px"))
        self.bar.add_class("lk-progress")
        self.bar_label = w.HTML()
        self.bar_label.add_class("lk-progress-label")
        self.banner_box = w.HBox([self.banner, self.dismiss], layout=w.Layout(align_items="flex-start"))
        self.banner_box.add_class("lk-banner-box")
        self.progress_box = w.HBox([self.bar, self.bar_label], layout=w.Layout(align_items="center"))
        super().__init__([self.banner_box, self.progress_box])
        self.add_class("lk-status")
        self.dismiss.on_click(lambda _b: model.clear())
        model.observe(self._render_banner, names=["level", "message", "hint", "details"])
        model.observe(self._render_progress, names=["busy", "progress", "progress_label"])
        self._render_banner()
        self._render_progress()

    def _render_banner(self, _change=None) -> None:
        m = self.model
        if not m.level:
            self.banner_box.layout.display = "none"
            self.banner.value = ""
            return
        parts = [f'<span class="lk-banner-icon">{ICONS.get(m.level, "")}</span>',
                 f'<span class="lk-banner-message">{esc(m.message)}</span>']
        if m.hint:
            parts.append(f'<div class="lk-banner-hint">{esc(m.hint)}</div>')
        if m.details:
            parts.append(f'<details class="lk-banner-details"><summary>Details</summary>'
                         f'<pre>{esc(m.details)}</pre></details>')
        self.banner.value = f'<div class="lk-banner lk-banner-{esc(m.level)}" role="alert">{"".join(parts)}</div>'
        self.banner_box.layout.display = "flex"

    def _render_progress(self, _change=None) -> None:
        m = self.model
        self.progress_box.layout.display = "flex" if m.busy else "none"
        self.bar.value = m.progress
        self.bar_label.value = f"{esc(m.progress_label)} {round(m.progress * 100)}%" if m.busy else ""
