"""What a failed phase of a check means: whose fault it was, and how to say so.

"Error in the check" (CHECK_ERROR) is kept for what is clearly the workbook's fault: a fixture or
collection error, or an exception raised before the learner's code was called. Everything after
the check first touched the learner's module is the learner's to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.plugin.loading import describe_exception_site, frames_inside
from checker.results import (
    CHECK_ERROR,
    FAILED,
    KIND_ASSERTION,
    KIND_CHECK,
    KIND_EXCEPTION,
    KIND_FIXTURE,
    KIND_LOAD,
    KIND_TIMEOUT,
    KIND_TODO,
    LEARNER_ERROR,
    TIMED_OUT,
)
from checker.results.pass_rule import REPORT_IT
from checker.workbook.legacy import explain


@dataclass(frozen=True)
class Failure:
    outcome: str
    kind: str
    message: str
    where: str | None
    advice: str | None = None  # a removed API or an async pitfall explained (legacy.explain)


@dataclass(frozen=True)
class Context:
    """What is known about the check when one of its phases fails."""

    when: str  # "setup", "call" or "teardown"
    learner_called: bool  # the check had taken something from the learner's module
    load_failed: bool  # the `kata` fixture could not import the learner's files
    learner_code: Path  # the learner's file or package folder being graded
    check_file: Path
    root: Path


def _is_timeout(exc: BaseException) -> bool:
    text = str(exc)
    return text.startswith("Timeout") or "Timeout >" in text


def classify(exc: BaseException, context: Context) -> Failure:
    if context.load_failed:
        return Failure(LEARNER_ERROR, KIND_LOAD, str(exc), None)
    learner_site = describe_exception_site(exc, context.learner_code, context.root)
    check_site = describe_exception_site(exc, context.check_file, context.root)
    text = str(exc)
    if _is_timeout(exc):
        first = text.splitlines()[0].rstrip(".")
        return Failure(
            TIMED_OUT,
            KIND_TIMEOUT,
            f"Stopped after the time limit: {first}. Is there a loop that never ends, or a query "
            "waiting on a lock?",
            learner_site,
        )
    if isinstance(exc, MemoryError):
        return Failure(
            LEARNER_ERROR,
            KIND_EXCEPTION,
            "Your code ran out of memory: the grader limits each run's memory (--memory-limit, "
            "2048 MB by default). Look for a query that loads a whole table at once, or a loop "
            "that keeps growing a list.",
            learner_site or check_site,
        )
    if isinstance(exc, NotImplementedError) and learner_site:
        frames = frames_inside(exc, context.learner_code)
        function = frames[-1][2] + "()" if frames else "this part"
        todo = f" (TODO: {text})" if text else ""
        return Failure(
            LEARNER_ERROR, KIND_TODO, f"`{function}` is not written yet{todo}.", learner_site
        )
    expectation = isinstance(exc, AssertionError | pytest.fail.Exception)
    if expectation and (context.when == "call" or context.learner_called):
        message = text.partition("\nassert ")[0].strip() or (
            "A check's expectation was not met, but the check gives no message to say which: "
            "a gap in the workbook, please report it."
        )
        return Failure(FAILED, KIND_ASSERTION, message, check_site)
    if learner_site or (context.learner_called and context.when != "teardown"):
        return _learner_error(exc, learner_site, check_site)
    return _check_error(exc, context, check_site)


def _learner_error(exc: BaseException, learner_site: str | None, check_site: str | None) -> Failure:
    name = type(exc).__name__
    advice = explain(exc)
    if learner_site:
        return Failure(
            LEARNER_ERROR, KIND_EXCEPTION, f"Your code raised {name}: {exc}", learner_site, advice
        )
    # Raised inside a library the check called with the learner's objects (a model that does not
    # map, say): the line to look at is the check's call, but the cause is in the learner's code.
    return Failure(
        LEARNER_ERROR,
        KIND_EXCEPTION,
        f"{name} while the check used your code: {exc}",
        check_site,
        advice,
    )


def _check_error(exc: BaseException, context: Context, check_site: str | None) -> Failure:
    kind = KIND_CHECK if context.when == "call" else KIND_FIXTURE
    step = "the check" if kind == KIND_CHECK else f"the {context.when} of the check (a fixture)"
    return Failure(
        CHECK_ERROR,
        kind,
        f"{type(exc).__name__} in {step}, before your code was called: {exc}\n{REPORT_IT}",
        check_site,
    )
