"""A class's results as files for the instructor: `dashboard.html` (one self-contained page that
opens offline — inline CSS and SVG, no scripts), `progress.csv` (one row per learner and kata) and
`summary.json` (the same numbers for other tools).

The page answers, top to bottom: what to know first (notes, a missing sandbox, mixed releases),
where everyone is (a learners × katas grid), what is hard (pass rates per kata and per check), what
to teach next (misconceptions), and what needs a person to look at (tampering and flags).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from checker.classroom.aggregate import ClassView, Misconception, started
from checker.classroom.svg import Bar, column_bars, horizontal_bars
from checker.cli.state.atomic import write_json_atomic, write_text_atomic
from checker.results import KATA_NOT_RUN, KATA_PASSED, KATA_TAMPERED

HARDEST_CHECKS = 25  # bars in the pass-rate chart; every check is in the table below it

_STATUS_STYLE = {  # class name, symbol, words for the legend
    "passed": ("passed", "✓", "passed"),
    "failing": ("failing", "✗", "failing"),
    "broken": ("broken", "!", "broken (does not import)"),
    "timeout": ("timeout", "⏱", "timed out"),
    "incomplete": ("incomplete", "?", "incomplete"),
    "workbook_error": ("workbook-error", "!", "workbook error"),
    "not started": ("not-started", "–", "not started (every part still a TODO)"),
    "not run": ("not-run", "·", "not graded"),
    "tampered": ("tampered", "⚠", "tampered"),
}

_CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9dee4; --bg:#f6f7f9; }
* { box-sizing:border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
  color:var(--ink); background:var(--bg); }
header { background:#243b53; color:#fff; padding:20px 32px; }
header h1 { margin:0 0 4px; font-size:24px; }
header p { margin:0; color:#d9e2ec; }
main { padding:8px 32px 40px; max-width:1600px; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px;
  margin:18px 0; }
h2 { margin:0 0 10px; font-size:18px; }
.muted { color:var(--muted); }
.cards { display:flex; gap:14px; flex-wrap:wrap; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:12px 18px;
  min-width:150px; }
.card b { display:block; font-size:26px; }
.warning { background:#fff4e5; border-color:#f0b429; }
.danger { background:#ffe3e3; border-color:#d64541; }
.notes p { margin:6px 0; }
.grid-wrap { overflow-x:auto; }
table { border-collapse:collapse; }
table.grid th, table.grid td { border:1px solid #fff; padding:0; text-align:center; }
table.grid th.learner, table.grid td.learner { text-align:left; padding:3px 10px 3px 4px;
  white-space:nowrap; background:#fff; position:sticky; left:0; }
table.grid thead th { font-size:11px; color:var(--muted); font-weight:600; padding:2px; }
table.grid thead th.phase { border-bottom:2px solid var(--line); }
.cell { display:block; min-width:31px; padding:3px 2px; font-size:10.5px; border-radius:3px;
  font-variant-numeric:tabular-nums; }
.passed { background:#2e9e5b; color:#fff; }
.failing { background:#f4a09a; color:#5c0f0a; }
.broken { background:#9b1c1c; color:#fff; }
.timeout { background:#e0a526; color:#3b2a00; }
.incomplete { background:#f7dc6f; color:#3b2a00; }
.workbook-error { background:#7b61c9; color:#fff; }
.not-run { background:#eceff2; color:#9aa5b1; }
.not-started { background:#f3f4f6; color:#9aa5b1; }
.tampered { background:#c2185b; color:#fff; font-weight:700; }
.flagged { outline:2px dashed #c2185b; outline-offset:-2px; }
.legend span.cell { display:inline-block; margin-right:4px; }
.legend { display:flex; gap:14px; flex-wrap:wrap; margin:8px 0 0; font-size:12px; }
td.total { padding:0 8px; font-weight:600; text-align:right; white-space:nowrap; }
.chart .grid-line { stroke:#e4e7eb; }
.chart .tick { font-size:10px; fill:#7b8794; }
.chart .label { font-size:12px; fill:#323f4b; }
.chart .value { font-size:11px; fill:#52606d; }
.chart .group { font-size:11px; fill:#52606d; font-weight:600; }
.chart g.bar:hover rect { opacity:.75; }
.misconceptions { display:grid; grid-template-columns:repeat(auto-fill,minmax(460px,1fr));
  gap:14px; }
.misconception { border:1px solid var(--line); border-left:6px solid #d64541; border-radius:6px;
  padding:10px 14px; }
.misconception h3 { margin:0 0 6px; font-size:15px; }
.misconception ul { margin:4px 0; padding-left:18px; }
.misconception pre { background:#f5f7fa; padding:8px; border-radius:4px; white-space:pre-wrap;
  word-break:break-word; font-size:12px; margin:6px 0; }
.chip { display:inline-block; background:#e4e7eb; border-radius:10px; padding:1px 8px; margin:2px;
  font-size:12px; }
table.plain td, table.plain th { border-bottom:1px solid var(--line); padding:4px 10px;
  text-align:left; vertical-align:top; }
table.plain td.num { text-align:right; font-variant-numeric:tabular-nums; }
details summary { cursor:pointer; color:#334e68; font-weight:600; margin:8px 0; }
code { font-size:12px; }
"""


def _h(text: object) -> str:
    return escape(str(text), quote=True)


def _style(status: str) -> tuple[str, str, str]:
    return _STATUS_STYLE.get(status, ("incomplete", "?", status))


def _header(view: ClassView, when: str) -> str:
    learners, katas = len(view.learners), len(view.katas)
    versions = ", ".join(sorted(view.versions)) or "unknown"
    return (
        f"<header><h1>Class dashboard</h1><p>{learners} learner(s) · {katas} kata(s) · "
        f"workbook release {_h(versions)} · generated {_h(when)}</p></header>"
    )


def _alerts(view: ClassView) -> str:
    parts = []
    if view.sandbox:
        parts.append(
            '<section class="danger" id="sandbox"><h2>No sandbox</h2><p><b>learners\' code ran '
            f"without a sandbox: {_h(view.sandbox)}</b></p></section>"
        )
    if view.notes:
        items = "".join(f"<p><b>{_h(note.subject)}</b>: {_h(note.text)}</p>" for note in view.notes)
        parts.append(
            f'<section class="warning notes" id="notes"><h2>Notes ({len(view.notes)})</h2>'
            f"{items}</section>"
        )
    return "".join(parts)


def _cards(view: ClassView) -> str:
    total = len(view.learners) * len(view.katas)
    passed = sum(view.passed_katas(lr) for lr in view.learners)
    flagged = len({who for who, _, _ in view.flagged()})
    cards = [
        ("learners", len(view.learners)),
        ("katas graded", len(view.katas)),
        ("kata passes", f"{passed} / {total}"),
        ("median katas passed", f"{view.median_passed:g}"),
        ("misconceptions", len(view.misconceptions)),
        ("learners flagged", flagged),
    ]
    inner = "".join(f'<div class="card"><b>{_h(v)}</b>{_h(k)}</div>' for k, v in cards)
    return f'<div class="cards" id="summary">{inner}</div>'


def _grid(view: ClassView) -> str:
    phases: list[tuple[int, int]] = []
    for column in view.katas:
        if phases and phases[-1][0] == column.phase:
            phases[-1] = (column.phase, phases[-1][1] + 1)
        else:
            phases.append((column.phase, 1))
    phase_row = "".join(
        f'<th class="phase" colspan="{count}">Phase {number}</th>' for number, count in phases
    )
    kata_row = "".join(
        f'<th title="{_h(c.kata_id + " " + c.title)}">{_h(c.kata_id)}</th>' for c in view.katas
    )
    rows = []
    for learner in view.learners:
        cells = []
        for column in view.katas:
            kata = learner.katas.get(column.kata_id)
            if kata is None:
                cells.append(
                    f'<td><span class="cell not-run" title="{_h(column.kata_id)}: not '
                    'graded">·</span></td>'
                )
                continue
            shown = kata.status if started(kata) or kata.status != "failing" else "not started"
            css, symbol, _ = _style(shown)
            text = (
                symbol
                if shown in (KATA_PASSED, KATA_NOT_RUN, KATA_TAMPERED, "not started")
                else (f"{kata.passed_checks}/{kata.total_checks}")
            )
            tip = f"{learner.name} — {kata.kata_id} {kata.title}: {kata.headline}, "
            tip += f"{kata.passed_checks}/{kata.total_checks} checks passed"
            if kata.problem:
                tip += f". {kata.problem}"
            if kata.flags:
                tip += ". Flags: " + "; ".join(kata.flags)
                css += " flagged"
            cells.append(
                f'<td><span class="cell {css}" data-status="{_h(kata.status)}" '
                f'title="{_h(tip)}">{_h(text)}</span></td>'
            )
        done = view.passed_katas(learner)
        source = "regraded" if learner.regraded else "self-reported"
        rows.append(
            f'<tr data-learner="{_h(learner.name)}"><td class="learner" '
            f'title="{_h(learner.source)} ({source}, release {_h(learner.version or "?")})">'
            f"{_h(learner.name)}</td>{''.join(cells)}"
            f'<td class="total">{done}/{len(view.katas)}</td></tr>'
        )
    legend = "".join(
        f'<span><span class="cell {css}">{_h(symbol)}</span>{_h(words)}</span>'
        for css, symbol, words in _STATUS_STYLE.values()
    )
    legend += '<span><span class="cell failing flagged">3/9</span>flagged for a look</span>'
    return (
        '<section id="progress"><h2>Progress per learner and kata</h2>'
        '<p class="muted">Each cell: checks passed / checks, coloured by the kata\'s status. '
        "Hover a cell for its headline and problem.</p>"
        '<div class="grid-wrap"><table class="grid" id="progress-grid"><thead>'
        f'<tr><th class="learner"></th>{phase_row}<th></th></tr>'
        f'<tr><th class="learner">learner</th>{kata_row}<th>passed</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<div class="legend">{legend}</div></section>'
    )


def _kata_chart(view: ClassView) -> str:
    bars: list[Bar] = []
    groups: list[tuple[str, int]] = []
    for column in view.katas:
        passed, graded = view.kata_pass_rate(column.kata_id)
        bars.append(
            Bar(
                f"{column.kata_id} {column.title}",
                passed / graded if graded else 0.0,
                f"{passed} of {graded} learners passed",
            )
        )
        if groups and groups[-1][0] == f"Phase {column.phase}":
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
        else:
            groups.append((f"Phase {column.phase}", 1))
    chart = column_bars(bars, "Learners who passed each kata", groups)
    return (
        '<section id="kata-rates"><h2>Learners who passed each kata</h2>'
        f'<div class="grid-wrap">{chart}</div></section>'
    )


def _check_chart(view: ClassView) -> str:
    rated = [r for r in view.rates if r.attempted]
    enough = max(2, len(view.learners) // 10)  # a check two learners tried says little
    hardest = sorted(
        (r for r in rated if r.attempted >= enough),
        key=lambda r: (r.rate, -r.attempted, r.kata_id, r.name),
    )
    bars = [
        Bar(f"{r.kata_id} {r.name}", r.rate, f"{r.passed}/{r.attempted} passed ({r.rate:.0%})")
        for r in hardest[:HARDEST_CHECKS]
    ]
    chart = horizontal_bars(bars, "Pass rates of the hardest checks") if bars else ""
    rows = "".join(
        f"<tr><td>{_h(r.kata_id)}</td><td><code>{_h(r.name)}</code></td>"
        f'<td class="num">{r.passed}/{r.attempted}</td><td class="num">{r.rate:.0%}</td></tr>'
        for r in sorted(rated, key=lambda r: (r.kata_id, r.rate, r.name))
    )
    return (
        '<section id="check-rates"><h2>Pass rates per check</h2><p class="muted">The '
        f"{len(bars)} checks the fewest learners pass, among the learners who started the kata "
        f"(a part not written yet does not count; checks fewer than {enough} learners reached "
        "are only in the table).</p>"
        f'<div class="grid-wrap">{chart}</div><details><summary>Every check ({len(rated)})'
        '</summary><table class="plain"><tr><th>kata</th><th>check</th><th>passed</th>'
        f"<th>rate</th></tr>{rows}</table></details></section>"
    )


def _misconception(rank: int, item: Misconception, total: int) -> str:
    checks = "".join(f"<li><code>{_h(kata)} {_h(name)}</code></li>" for kata, name in item.checks)
    chips = "".join(f'<span class="chip">{_h(n)}</span>' for n in item.learners)
    return (
        f'<div class="misconception" data-rank="{rank}"><h3>{rank}. {_h(item.name)}</h3>'
        f"<p><b>{len(item.learners)} of {total} learners</b> fail these checks together:</p>"
        f"<ul>{checks}</ul>"
        f'<p class="muted">Most common failure ({item.message_count}×):</p>'
        f"<pre>{_h(item.message)}</pre><div>{chips}</div></div>"
    )


def _misconceptions(view: ClassView) -> str:
    if not view.misconceptions:
        body = '<p class="muted">No failure is shared by two or more learners.</p>'
    else:
        body = (
            '<div class="misconceptions">'
            + "".join(
                _misconception(i, m, len(view.learners))
                for i, m in enumerate(view.misconceptions, 1)
            )
            + "</div>"
        )
    return (
        '<section id="misconceptions"><h2>What to teach next: shared misconceptions</h2>'
        '<p class="muted">Checks that fail for the same learners (failing-learner sets at least '
        "60% alike), most learners first. Parts not written yet, katas that do not import and "
        f"tampered katas are left out.</p>{body}</section>"
    )


def _flags(view: ClassView) -> str:
    found = view.flagged()
    if not found:
        return (
            '<section id="flags"><h2>Tampering and flags</h2><p class="muted">No kata was '
            "tampered with and no learner's code reaches into the grader.</p></section>"
        )
    rows = "".join(
        f"<tr><td>{_h(who)}</td><td>{_h(kata)}</td><td>{_h(what)}</td></tr>"
        for who, kata, what in found
    )
    return (
        '<section id="flags" class="warning"><h2>Tampering and flags</h2><p class="muted">A '
        "tampered kata is never a pass. A flag marks code that reaches into the grader: it "
        "changes no grade, it is for a person to look at.</p>"
        f'<table class="plain"><tr><th>learner</th><th>kata</th><th>what</th></tr>{rows}'
        "</table></section>"
    )


def render_html(view: ClassView, when: str | None = None) -> str:
    when = when or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = "".join(
        (
            _alerts(view),
            _cards(view),
            _grid(view),
            _misconceptions(view),
            _kata_chart(view),
            _check_chart(view),
            _flags(view),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Class dashboard</title><style>{_CSS}</style></head>"
        f"<body>{_header(view, when)}<main>{body}</main></body></html>\n"
    )


CSV_COLUMNS = ("learner", "kata", "status", "passed_checks", "total_checks")


def render_csv(view: ClassView) -> str:
    """One row per learner and kata the class has results for; a kata a learner's report does
    not hold is "not run" with no checks, so every learner has the same rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for learner in view.learners:
        for column in view.katas:
            kata = learner.katas.get(column.kata_id)
            if kata is None:
                writer.writerow((learner.name, column.kata_id, KATA_NOT_RUN, 0, 0))
            else:
                writer.writerow(
                    (learner.name, kata.kata_id, kata.status, kata.passed_checks, kata.total_checks)
                )
    return buffer.getvalue()


def summary(view: ClassView) -> dict[str, Any]:
    return {
        "learners": [
            {
                "name": lr.name,
                "source": lr.source,
                "release": lr.version,
                "regraded": lr.regraded,
                "katas_passed": view.passed_katas(lr),
            }
            for lr in view.learners
        ],
        "katas": [
            {
                "kata_id": c.kata_id,
                "title": c.title,
                "passed": view.kata_pass_rate(c.kata_id)[0],
                "graded": view.kata_pass_rate(c.kata_id)[1],
            }
            for c in view.katas
        ],
        "checks": [
            {"kata_id": r.kata_id, "name": r.name, "passed": r.passed, "attempted": r.attempted}
            for r in view.rates
        ],
        "misconceptions": [
            {
                "name": m.name,
                "checks": [{"kata_id": k, "name": n} for k, n in m.checks],
                "learners": list(m.learners),
                "message": m.message,
            }
            for m in view.misconceptions
        ],
        "flags": [{"learner": w, "kata_id": k, "what": t} for w, k, t in view.flagged()],
        "notes": [{"about": n.subject, "text": n.text} for n in view.notes],
        "sandbox": view.sandbox,
    }


def write_dashboard(view: ClassView, out: Path) -> list[Path]:
    written = [out / "dashboard.html", out / "progress.csv", out / "summary.json"]
    write_text_atomic(written[0], render_html(view))
    write_text_atomic(written[1], render_csv(view))
    write_json_atomic(written[2], summary(view))
    return written
