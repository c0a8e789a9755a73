"""`checker update`: the plan (what will be taken, kept, set aside, backed up, removed) and what
was done. Kata files are listed one by one, since they are the learner's; the release's other
files are counted by folder."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from rich.markup import escape

from checker.cli.render.base import out
from checker.release.apply import Applied
from checker.release.update import Action, Plan, Step
from checker.workbook.kinds import LEARNER_TREE


def _is_kata(step: Step) -> bool:
    return PurePosixPath(step.path).parts[0] == LEARNER_TREE


def _by_folder(steps: list[Step]) -> str:
    folders = Counter(
        PurePosixPath(s.path).parts[0] + ("/" if len(PurePosixPath(s.path).parts) > 1 else "")
        for s in steps
    )
    return ", ".join(f"{folder} {count}" for folder, count in sorted(folders.items()))


def render_update_plan(plan: Plan, source: str) -> None:
    out.print(
        f"Update from release {escape(plan.from_version)} to {escape(plan.to_version)} "
        f"(from {escape(source)}):"
    )
    if plan.guessed:
        out.print(
            f"  Your workbook has no manifest of its release ({escape(plan.from_version)}), so "
            "every kata file that differs from the new stub counts as your work: it is kept and "
            "the new stub is set aside."
        )
    for note in plan.notes:
        out.print(f"  {escape(note)}")
    taken = plan.having(Action.ADD, Action.REPLACE)
    for step in (s for s in taken if _is_kata(s)):
        out.print(f"  take      {escape(step.path)} ({escape(step.why)})")
    grader = [s for s in taken if not _is_kata(s)]
    if grader:
        out.print(f"  take      {len(grader)} file(s) of the release: {escape(_by_folder(grader))}")
    for step in plan.having(Action.KEEP, Action.SET_ASIDE):
        verb = "keep" if step.action is Action.KEEP else "set aside"
        out.print(f"  {verb:<9} {escape(step.path)} ({escape(step.why)})")
    for step in plan.having(Action.REMOVE):
        out.print(f"  remove    {escape(step.path)} ({escape(step.why)})")
    for step in plan.backed_up:
        out.print(f"  back up   {escape(step.path)} ({escape(step.why)})")
    if not plan.changes_files:
        out.print("  nothing to change: your workbook already has every file of this release.")


def render_dry_run() -> None:
    out.print("Dry run: nothing was written. Run it again without --dry-run to update.")


def render_update_done(applied: Applied) -> None:
    plan = applied.plan
    taken = plan.having(Action.ADD, Action.REPLACE)
    kept, aside = plan.having(Action.KEEP), plan.having(Action.SET_ASIDE)
    removed = plan.having(Action.REMOVE)
    backed = f"{len(plan.backed_up)} backed up"
    if applied.backup:
        backed += f" (backup {applied.backup.stamp}: `checker backups`, `checker restore ID`)"
    out.print(
        f"Updated your workbook from release {escape(plan.from_version)} to "
        f"{escape(plan.to_version)}: {len(taken)} taken, {len(kept)} kept, {len(aside)} set "
        f"aside, {escape(backed)}, {len(removed)} removed."
    )
    for step in aside:
        _render_set_aside(plan, step)
    if kept:
        out.print(
            f"Your own version of {len(kept)} kata file(s) is kept as it was; "
            "`checker status` shows where you stand."
        )
    if plan.pyproject_changed:
        out.print(
            "pyproject.toml changed (dependencies, perhaps): run `pip install -e .` again in "
            "your virtual environment."
        )


def _render_set_aside(plan: Plan, step: Step) -> None:
    aside = plan.set_aside_path(step)
    kata = step.kata_id
    take = (
        f"`checker reset {kata}` backs yours up and takes the new stub"
        if kata
        else "copy it over yours to take it"
    )
    if step.deleted:
        out.print(
            f"Kata {escape(kata or step.path)}: you had deleted {escape(step.path)}, so it stays "
            f"deleted; release {escape(plan.to_version)} changed its stub, saved as "
            f"{escape(aside)}. Copy it back to take it."
        )
        return
    out.print(
        f"Kata {escape(kata or step.path)}: your {escape(step.path)} is kept; release "
        f"{escape(plan.to_version)} changed its stub, saved as {escape(aside)}. "
        f"{escape(take)}, or compare the two: diff -u {escape(step.path)} {escape(aside)}"
    )
