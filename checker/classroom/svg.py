"""Bar charts as inline SVG, for a dashboard that must open offline: no scripts, no fonts to fetch.

Each bar carries a <title>, so hovering shows the exact numbers; every chart has a role and a
label for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..1
    detail: str  # shown on hover and beside the bar


def rate_colour(value: float) -> str:
    """Red for what few pass, amber in between, green for what most pass."""
    if value >= 0.8:
        return "#2e9e5b"
    if value >= 0.5:
        return "#e0a526"
    return "#d64541"


def horizontal_bars(bars: list[Bar], title: str, label_width: int = 330) -> str:
    """One row per bar: its label, a bar 0–100 %, and its detail."""
    row, width, bar_width = 24, label_width + 420, 300
    height = row * len(bars) + 34
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, 25, 50, 75, 100):
        x = label_width + bar_width * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 24}" class="grid-line"/>'
            f'<text x="{x:.1f}" y="{height - 8}" class="tick" text-anchor="middle">{tick}%</text>'
        )
    for i, bar in enumerate(bars):
        y = 6 + i * row
        length = max(bar_width * bar.value, 1.5)
        label = bar.label if len(bar.label) <= 46 else bar.label[:45] + "…"
        parts.append(
            f'<g class="bar"><title>{escape(bar.label)}: {escape(bar.detail)}</title>'
            f'<text x="{label_width - 8}" y="{y + 14}" class="label" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 8}" rx="3" '
            f'fill="{rate_colour(bar.value)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" class="value">'
            f"{escape(bar.detail)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_bars(bars: list[Bar], title: str, groups: list[tuple[str, int]]) -> str:
    """One column per bar (a kata), grouped under headings (its phase): `groups` is each
    heading with how many bars it spans, in order."""
    column, gap, top, plot = 26, 14, 28, 150
    width = 48 + len(bars) * column + gap * max(len(groups) - 1, 0) + 10
    height = top + plot + 46
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, 50, 100):
        y = top + plot - plot * tick / 100
        parts.append(
            f'<line x1="40" y1="{y:.1f}" x2="{width - 6}" y2="{y:.1f}" class="grid-line"/>'
            f'<text x="34" y="{y + 4:.1f}" class="tick" text-anchor="end">{tick}%</text>'
        )
    x, index = 48.0, 0
    for heading, count in groups:
        span = count * column
        parts.append(
            f'<text x="{x + span / 2:.1f}" y="14" class="group" text-anchor="middle">'
            f"{escape(heading)}</text>"
        )
        for bar in bars[index : index + count]:
            tall = max(plot * bar.value, 1.5)
            parts.append(
                f'<g class="bar"><title>{escape(bar.label)}: {escape(bar.detail)}</title>'
                f'<rect x="{x + 3:.1f}" y="{top + plot - tall:.1f}" width="{column - 6}" '
                f'height="{tall:.1f}" rx="2" fill="{rate_colour(bar.value)}"/>'
                f'<text x="{x + column / 2:.1f}" y="{top + plot + 14}" class="tick" '
                f'text-anchor="middle">{escape(bar.label.split(" ")[0])}</text></g>'
            )
            x += column
        index += count
        x += gap
    parts.append("</svg>")
    return "".join(parts)
