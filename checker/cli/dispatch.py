"""From parsed arguments to a command: one small handler per command, looked up by name."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from checker.cli.commands import files, grade, info
from checker.cli.commands.lookup import find_kata, find_phase
from checker.cli.databases import DatabaseTarget, resolve_target
from checker.errors import CheckerError
from checker.release.edition import require_full_edition
from checker.workbook.catalog import Catalog, Kata, Phase


@dataclass(frozen=True)
class Request:
    catalog: Catalog
    args: argparse.Namespace

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def timeout(self) -> float | None:
        """--timeout if given: it overrides the catalog's and the default time limits."""
        return self.args.timeout

    def target(self) -> DatabaseTarget:
        """Resolved only when asked: commands that run nothing need no database."""
        return resolve_target(self.args.db, self.args.db_url)

    def kata(self) -> Kata:
        return find_kata(self.catalog, self.args.kata_id)

    def phases(self) -> list[Phase]:
        if self.args.phase:
            return [find_phase(self.catalog, self.args.phase)]
        return [p for p in self.catalog.phases if p.available]


def _phase(request: Request) -> int:
    phase = find_phase(request.catalog, request.args.number)
    title = f"Phase {phase.number} — {phase.title}"
    katas = list(phase.katas)
    return grade.show_phase(
        request.catalog, katas, request.target(), request.timeout, title, request.as_json
    )


def _watch(request: Request) -> int:
    from checker.cli.commands.watch import watch  # watchfiles loads only for watch mode

    kata = request.kata() if request.args.kata_id else None
    return watch(request.catalog, kata, request.target(), request.timeout, request.args.poll)


def _reset(request: Request) -> int:
    args, catalog = request.args, request.catalog
    if args.all:
        katas = list(catalog.katas)
    elif args.phase:
        katas = list(find_phase(catalog, args.phase).katas)
    else:
        katas = [request.kata()]
    return files.reset(catalog, katas, args.yes)


def _verify(request: Request) -> int:
    from checker.cli.commands import maintain  # the verify machinery: only for maintainers

    require_full_edition(request.catalog.root, "verify")
    args = request.args
    return maintain.run_verify(
        request.catalog,
        request.phases(),
        request.target(),
        args.static,
        request.as_json,
        mutate=args.mutate,
    )


def _serve(request: Request) -> int:
    from checker.cli.commands.serve import serve  # uvicorn runs in its own process

    args = request.args
    return serve(
        request.catalog.root, request.kata(), request.target(), args.port, not args.no_reload
    )


def _stubs(request: Request) -> int:
    from checker.cli.commands import maintain

    require_full_edition(request.catalog.root, "stubs")
    return maintain.stubs(request.catalog, request.phases(), request.args.check)


def _update(request: Request) -> int:
    from checker.cli.commands.update import update

    args = request.args
    return update(request.catalog.root, args.source, args.yes, args.dry_run, args.force)


def _regrade(request: Request) -> int:
    from pathlib import Path

    from checker.cli.commands.pristine import show_pristine

    args = request.args
    if args.kata_id:
        katas = [request.kata()]
    else:
        katas = [k for p in request.phases() for k in p.katas]
    return show_pristine(
        request.catalog,
        Path(args.pristine),
        katas,
        request.target(),
        request.timeout,
        request.as_json,
    )


def _review(request: Request) -> int:
    from checker.cli.commands import review  # mentors only: the grading of mutants and shapes

    args = request.args
    if args.kata_id:
        kata = request.kata()
    else:
        kata = review.current_kata(request.catalog, args.source or (args.group or [None])[0])
    output = "json" if args.json else "md" if args.md else "rich"
    if args.group:
        return review.group(
            request.catalog,
            kata,
            request.target(),
            request.timeout,
            args.group,
            not args.no_mutants,
            args.generated,
            output,
        )
    return review.review(
        request.catalog,
        kata,
        request.target(),
        request.timeout,
        args.source,
        args.generated,
        output,
    )


def _report(request: Request) -> int:
    from checker.cli.commands.report import report  # for instructors only

    args = request.args
    return report(
        request.catalog,
        args.config,
        args.pristine,
        request.target(),
        request.timeout,
        args.format,
        args.output,
    )


def _release(request: Request) -> int:
    from checker.cli.commands import maintain

    require_full_edition(request.catalog.root, "release")
    return maintain.release(request.catalog, request.args.check)


def _edition(request: Request) -> int:
    from checker.cli.commands.edition import class_edition_command  # for instructors only

    return class_edition_command(request.catalog, request.args.class_out)


def _class(request: Request) -> int:
    from pathlib import Path

    from checker.cli.commands.classboard import class_dashboard  # for instructors only

    args = request.args
    if args.jobs is not None and args.jobs < 1:
        raise CheckerError(f"--jobs must be 1 or more, not {args.jobs}.")
    grade_args = []
    if args.phase:
        grade_args = ["--phase", str(find_phase(request.catalog, args.phase).number)]
    elif args.kata_id:
        grade_args = ["--kata", request.kata().id]
    if request.timeout is not None:
        grade_args += ["--timeout", str(request.timeout)]
    return class_dashboard(
        request.catalog,
        args.reports,
        Path(args.out).expanduser(),
        args.jobs,
        request.target(),
        grade_args,
    )


def _bundle(request: Request) -> int:
    from checker.cli.commands.bundle import bundle_command  # for instructors only

    return bundle_command(request.catalog, request.args.out)


HANDLERS: dict[str, Callable[[Request], int]] = {
    "status": lambda r: info.status(r.catalog, r.as_json),
    "list": lambda r: info.list_katas(r.catalog, r.as_json),
    "show": lambda r: info.show(r.catalog, r.kata()),
    "hint": lambda r: info.hint(r.catalog, r.kata()),
    "kata": lambda r: grade.show_kata(r.catalog, r.kata(), r.target(), r.timeout, r.as_json),
    "phase": _phase,
    "next": lambda r: grade.next_kata(r.catalog, r.target(), r.timeout, edit=r.args.edit),
    "watch": _watch,
    "reset": _reset,
    "backups": lambda r: files.show_backups(r.catalog, r.as_json),
    "restore": lambda r: files.restore_backup(r.catalog, r.args.which, r.args.yes),
    "solution": lambda r: files.solution(r.catalog, r.kata(), r.args.force),
    "serve": _serve,
    "update": _update,
    "verify": _verify,
    "stubs": _stubs,
    "release": _release,
    "grade": _regrade,
    "review": _review,
    "report": _report,
    "edition": _edition,
    "class": _class,
    "bundle": _bundle,
}
HANDLERS["check"] = HANDLERS["kata"]


def dispatch(catalog: Catalog, args: argparse.Namespace) -> int:
    return HANDLERS[args.command or "status"](Request(catalog, args))
