"""The dashboard's look: one stylesheet, shipped in an HTML widget (no internet fonts).

Class names start with ``lk-``; views add them with ``add_class``. Fonts are
the system's (the page never asks the internet for anything).
"""

from __future__ import annotations

from .format import STATE_COLOURS

# The transaction grid's box. The grid repaints every visible cell after each edit and blits each cell
# from an off-screen canvas whose size steps in 512 px; in a browser without GPU canvas (headless,
# remote desktops) each blit costs in proportion to that canvas. Kept under 1024 x 512 a repaint takes
# about a third of the time it takes at 1536 x 1024 (0.2-0.3 s instead of 0.6-0.9 s on 2 cores). The
# limit is in the stylesheet too: the grid measures itself before its widget layout is applied, and
# its canvas never shrinks afterwards.
GRID_HEIGHT, GRID_MAX_WIDTH = 510, 1022

_STATE_CSS = "\n".join(
    f".lk-state-{s} {{ background:{bg}; color:{fg}; }}" for s, (bg, fg) in STATE_COLOURS.items() if s)

CSS = """
<style>
body, .lk-app { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
.lk-app { color: #1f2933; background: #f5f7fa; border-radius: 8px; }
.lk-topbar { background: #1f3a5f; color: white; padding: 8px 16px; border-radius: 8px 8px 0 0; }
.lk-topbar .lk-brand { font-size: 18px; font-weight: 600; color: white; letter-spacing: .3px; }
.lk-topbar .lk-brand small { font-weight: 400; opacity: .75; margin-left: 8px; }
.lk-sidebar { background: white; border-right: 1px solid #e4e7eb; padding: 10px; }
.lk-main { padding: 10px 16px; min-width: 0; }
.lk-card { border: 1px solid #e4e7eb; border-radius: 6px; padding: 4px 6px; margin: 0 0 6px 0; background: white; }
.lk-card:hover { border-color: #9fb3c8; }
.lk-card-selected { border-color: #1f3a5f; box-shadow: 0 0 0 2px #c5d4e6; }
.lk-card .lk-card-name button, .lk-card-name { text-align: left; font-weight: 600; }
.lk-card-name { background: transparent !important; box-shadow: none !important; justify-content: flex-start; }
.lk-card-meta { font-size: 12px; color: #52606d; line-height: 18px; }
.lk-badge { display: inline-block; min-width: 22px; padding: 0 6px; margin-right: 4px; border-radius: 10px;
            font-size: 12px; font-weight: 600; text-align: center; line-height: 18px; }
.lk-attention { color: #b44d12; font-weight: 600; }
.lk-muted { color: #7b8794; }
.lk-client-title { font-size: 20px; font-weight: 600; }
.lk-section-title { font-size: 15px; font-weight: 600; margin: 8px 0 4px 0; }
.lk-banner { padding: 8px 12px; border-radius: 6px; margin: 4px 0; border: 1px solid; }
.lk-banner-info { background: #e8f1fb; border-color: #9cc2ec; }
.lk-banner-success { background: #e6f6ec; border-color: #8fd1a6; }
.lk-banner-warning { background: #fff6e0; border-color: #f0c36d; }
.lk-banner-error { background: #fdecea; border-color: #f0a39c; }
.lk-banner-icon { font-weight: 700; margin-right: 6px; }
.lk-banner-hint { font-size: 13px; color: #3e4c59; margin-top: 2px; }
.lk-banner-details pre { max-height: 240px; overflow: auto; font-size: 11px; white-space: pre-wrap; }
.lk-table { border-collapse: collapse; width: 100%; font-size: 13px; background: white; }
.lk-table th { text-align: left; color: #52606d; font-weight: 600; border-bottom: 2px solid #e4e7eb; padding: 6px 8px; }
.lk-table td { border-bottom: 1px solid #eef0f2; padding: 6px 8px; }
.lk-table td.lk-num, .lk-table th.lk-num { text-align: right; font-variant-numeric: tabular-nums; }
.lk-negative { color: #b42318; }
.lk-drop { border: 2px dashed #9fb3c8; border-radius: 8px; padding: 6px 10px; background: #fbfcfd; color: #52606d; }
.lk-drop-active { border-color: #1f3a5f; background: #e8f1fb; }
.lk-steps { font-size: 13px; margin-bottom: 8px; }
.lk-step { display: inline-block; padding: 2px 10px; margin-right: 4px; border-radius: 12px; background: #eef0f2; color: #52606d; }
.lk-step-current { background: #1f3a5f; color: white; }
.lk-step-done { background: #c5d4e6; color: #1f3a5f; }
.lk-wizard { background: white; border: 1px solid #e4e7eb; border-radius: 8px; padding: 12px 16px; max-width: 820px; }
.lk-error-inline { color: #b42318; font-weight: 600; }
.lk-panel { background: white; border: 1px solid #e4e7eb; border-radius: 8px; padding: 8px 12px; }
.lk-check-image { border: 1px solid #e4e7eb; background: #fafafa; overflow: auto; }
.lk-check-image img { max-width: none; }
.lk-kbd { font-family: monospace; border: 1px solid #cbd2d9; border-bottom-width: 2px; border-radius: 3px;
          padding: 0 4px; font-size: 11px; background: #f5f7fa; }
.lk-pdf { width: 100%; height: 720px; border: 1px solid #e4e7eb; }
.lk-suggest button { background: #fff1c2; }
.lk-legend span { margin-right: 10px; }
.widget-tab > .p-TabBar .p-TabBar-tab, .widget-tab > .lm-TabBar .lm-TabBar-tab { min-width: 110px; }
""" + f".lk-app .lm-DataGrid {{ max-width: {GRID_MAX_WIDTH}px; max-height: {GRID_HEIGHT}px; }}\n" \
    + _STATE_CSS + "\n</style>"
