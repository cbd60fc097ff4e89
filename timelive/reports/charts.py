"""Charts as SVG drawn on the server, so a page, a PDF and an email show the same picture.

Bars are stacked billable / non-billable hours. Colours come from CSS
(`currentColor` and the classes `.bar-billable`, `.bar-other`, with CSS
variables that follow the dark theme); the SVG has a <title>, a <desc> and
role="img", and the numbers are always in the table beside it too.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from timelive.lib.durations import format_duration

# Past this many bars a chart says no more than the table.
MAX_BARS = 40


@dataclass
class Bar:
    label: str
    billable: int
    other: int

    @property
    def total(self) -> int:
        return self.billable + self.other


def _nice_max(seconds: int) -> int:
    """A round upper bound for the axis, in seconds (whole hours: 1, 2, 5, 10, 20, 50…)."""
    hours = max(1, -(-seconds // 3600))
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= hours:
                return step * factor * 3600
        step *= 10


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _svg(width, height, title, desc, body) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _legend(x, y) -> str:
    return (f'<g class="legend" transform="translate({x},{y})">'
            f'<rect class="bar-billable" width="10" height="10"/><text x="14" y="9">Billable</text>'
            f'<rect class="bar-other" x="80" width="10" height="10"/><text x="94" y="9">Non-billable</text></g>')


def bar_chart(bars: list[Bar], *, title: str) -> str:
    """Horizontal stacked bars, one per group (projects, people, clients…)."""
    bars = bars[:MAX_BARS]
    if not bars:
        return ""
    label_w, bar_w, row_h, top = 180, 420, 22, 24
    width, height = label_w + bar_w + 70, top + row_h * len(bars) + 8
    top_value = _nice_max(max(b.total for b in bars))
    parts = [_legend(label_w, 4)]
    for i, bar in enumerate(bars):
        y = top + i * row_h
        billable_w = bar_w * bar.billable / top_value
        other_w = bar_w * bar.other / top_value
        parts.append(
            f'<g><title>{escape(bar.label)}: {format_duration(bar.total)} '
            f'({format_duration(bar.billable)} billable)</title>'
            f'<text class="label" x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(_shorten(bar.label, 28))}</text>'
            f'<rect class="bar-billable" x="{label_w}" y="{y + 3}" width="{billable_w:.1f}" height="{row_h - 6}"/>'
            f'<rect class="bar-other" x="{label_w + billable_w:.1f}" y="{y + 3}" width="{other_w:.1f}" '
            f'height="{row_h - 6}"/>'
            f'<text class="value" x="{label_w + billable_w + other_w + 4:.1f}" y="{y + 14}">'
            f"{format_duration(bar.total)}</text></g>"
        )
    desc = "; ".join(f"{b.label}: {format_duration(b.total)}" for b in bars)
    return _svg(width, height, title, desc, "".join(parts))


def column_chart(bars: list[Bar], *, title: str) -> str:
    """Vertical stacked columns over time (days, weeks, months), with a light hours axis."""
    bars = bars[-MAX_BARS * 2:]
    if not bars:
        return ""
    left, plot_h, top, bottom = 44, 180, 22, 40
    col = max(8, min(40, 640 // len(bars)))
    width, height = left + col * len(bars) + 10, top + plot_h + bottom
    top_value = _nice_max(max(b.total for b in bars))
    parts = [_legend(left, 4)]
    for fraction in (0, 0.5, 1):
        y = top + plot_h - plot_h * fraction
        parts.append(f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="axis" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">'
                     f"{int(top_value * fraction // 3600)}h</text>")
    every = max(1, len(bars) // 12)
    for i, bar in enumerate(bars):
        x = left + i * col
        billable_h = plot_h * bar.billable / top_value
        other_h = plot_h * bar.other / top_value
        label = ""
        if i % every == 0:
            label = (f'<text class="axis" x="{x + col / 2:.1f}" y="{top + plot_h + 14}" '
                     f'text-anchor="middle">{escape(_shorten(bar.label, 12))}</text>')
        parts.append(
            f'<g><title>{escape(bar.label)}: {format_duration(bar.total)} '
            f'({format_duration(bar.billable)} billable)</title>'
            f'<rect class="bar-billable" x="{x + 1}" y="{top + plot_h - billable_h:.1f}" width="{col - 2}" '
            f'height="{billable_h:.1f}"/>'
            f'<rect class="bar-other" x="{x + 1}" y="{top + plot_h - billable_h - other_h:.1f}" width="{col - 2}" '
            f'height="{other_h:.1f}"/>{label}</g>'
        )
    desc = "; ".join(f"{b.label}: {format_duration(b.total)}" for b in bars)
    return _svg(width, height, title, desc, "".join(parts))


def summary_chart(report) -> str:
    """The chart of a summary report: its first-level groups, as columns over time or bars otherwise."""
    level = report.levels[0]
    bars = [Bar(g.row.labels[level], g.row.billable_duration, g.row.non_billable_duration) for g in report.groups]
    title = f"Hours by {level_label(level).lower()}, billable and non-billable"
    if level in ("day", "week", "month"):
        return column_chart(bars, title=title)
    return bar_chart(bars, title=title)


def level_label(level: str) -> str:
    from .filters import LEVELS

    return LEVELS.get(level, level)
