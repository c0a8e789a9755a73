"""Checks for kata 4.7 — branches, merges and the commands.

The merge revision is graded through the revision graph and what `upgrade head` and `downgrade
0002a` do to the database; the functions of commands.py are called with the project's Config on
the check's database, and their effect is read back with the `migrations` fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.plugin.alembic_fixtures import Migrations
from checker.plugin.migration_checks import (
    C,
    Expect,
    assert_models_match,
    assert_single_head,
    expect_schema,
    fail_with_ddl,
)

POST = Expect(columns={"id": C(), "title": C()})
POST_WITH_VIEWS = Expect(
    columns={"id": C(), "title": C(), "views": C(nullable=False, server_default=True)}
)
TAG = Expect(columns={"id": C(), "name": C(nullable=False)})
DDL = ("CREATE", "ALTER", "DROP")


def call(migrations: Migrations, name: str, *args: Any) -> Any:
    """commands.<name>(config, *args), with a fresh Config on this check's database."""
    function: Callable[..., Any] = getattr(migrations.module("commands"), name)
    migrations.last_command = f"commands.{name}(config{''.join(f', {a!r}' for a in args)})"
    with migrations.in_project():
        return function(migrations.config(), *args)


def test_one_head(migrations):
    """The merge revision 0003 leaves the graph a single head."""
    assert_single_head(migrations)
    heads = migrations.heads()
    assert heads == ["0003"], f"The head is {heads}; expected the merge revision ['0003']."


def test_upgrade_head_applies_both_branches(migrations):
    """`upgrade head` from an empty database applies 0001, both branches and the merge."""
    migrations.upgrade("head")
    current = migrations.current()
    if current != ("0003",):
        fail_with_ddl(migrations, f"alembic_version says {current}; expected ('0003',).")
    expect_schema(migrations, {"post": POST_WITH_VIEWS, "tag": TAG})


def test_each_branch_applies_on_its_own(migrations):
    """Each branch applies on its own: 0002b adds post.views only, 0002a the tag table only."""
    migrations.upgrade("0002b")
    expect_schema(migrations, {"post": POST_WITH_VIEWS, "tag": None})
    migrations.downgrade("base")
    migrations.upgrade("0002a")
    expect_schema(migrations, {"post": POST, "tag": TAG})


def test_downgrade_to_one_branch_unmerges(migrations):
    """From head, `downgrade 0002a` undoes only the merge; `downgrade 0002b@-1` then 0002b."""
    migrations.upgrade("head")
    migrations.downgrade("0002a")
    current = migrations.current()
    if sorted(current) != ["0002a", "0002b"]:
        fail_with_ddl(
            migrations,
            f"After `alembic downgrade 0002a` from head, alembic_version says {current}; "
            "expected ('0002a', '0002b'): a downgrade removes the revisions that build on its "
            "target (the merge 0003), and 0002b, a sibling of 0002a, is not one of them.",
        )
    expect_schema(migrations, {"post": POST_WITH_VIEWS, "tag": TAG})
    migrations.downgrade("0002b@-1")
    current = migrations.current()
    if current != ("0002a",):
        fail_with_ddl(
            migrations,
            f"After `alembic downgrade 0002b@-1` alembic_version says {current}; expected "
            "('0002a',): one step back on 0002b's branch only.",
        )
    expect_schema(migrations, {"post": POST, "tag": TAG})


def test_upgrade_to(migrations):
    """upgrade_to(config, "0002a") applies 0001 and 0002a; upgrade_to(config, "head") the rest."""
    call(migrations, "upgrade_to", "0002a")
    current = migrations.current()
    if current != ("0002a",):
        fail_with_ddl(migrations, f"alembic_version says {current}; expected ('0002a',).")
    expect_schema(migrations, {"post": POST, "tag": TAG})
    call(migrations, "upgrade_to", "head")
    current = migrations.current()
    if current != ("0003",):
        fail_with_ddl(migrations, f"alembic_version says {current}; expected ('0003',).")
    expect_schema(migrations, {"post": POST_WITH_VIEWS, "tag": TAG})


def test_step_back(migrations):
    """step_back(config, 1) at 0002b undoes 0002b; step_back(config, 2) undoes 0001 too."""
    migrations.upgrade("0002b")
    call(migrations, "step_back", 1)
    current = migrations.current()
    if current != ("0001",):
        fail_with_ddl(
            migrations,
            f"At 0002b, step_back(config, 1) left alembic_version at {current}; expected "
            "('0001',), one revision back (`alembic downgrade -1`).",
        )
    expect_schema(migrations, {"post": POST, "tag": None})
    migrations.upgrade("0002b")
    call(migrations, "step_back", 2)
    current = migrations.current()
    if current != ():
        fail_with_ddl(
            migrations,
            f"At 0002b, step_back(config, 2) left alembic_version at {current}; expected no "
            "revision (base), two revisions back (`alembic downgrade -2`).",
        )
    expect_schema(migrations, {"post": None, "tag": None})


def test_adopt_existing_database(migrations, engine):
    """adopt_existing_database stamps a create_all() database at head, keeping its rows."""
    migrations.module("models").Base.metadata.create_all(engine)
    migrations.execute("INSERT INTO post (id, title, views) VALUES (1, 'kept', 7)")
    call(migrations, "adopt_existing_database")
    current = migrations.current()
    if current != ("0003",):
        fail_with_ddl(
            migrations,
            f"adopt_existing_database(config) left alembic_version at {current}; expected "
            "('0003',), the head (`alembic stamp head`).",
        )
    rows = migrations.execute("SELECT id, title, views FROM post")
    assert rows == [(1, "kept", 7)], (
        f"After adopt_existing_database(config) the post table holds {rows}; expected the row "
        "it had, [(1, 'kept', 7)]: adopting a database records its revision, it never rebuilds "
        "the tables."
    )
    migrations.upgrade("head")
    sent = [sql for sql in migrations.ddl if sql.lstrip().upper().startswith(DDL)]
    if sent:
        fail_with_ddl(
            migrations,
            "After adopt_existing_database(config), `alembic upgrade head` still changed the "
            "schema: the database was not recorded at head.",
        )


def test_current_revisions(migrations):
    """current_revisions: () when empty, the stamped revision, both branches, then head."""
    got = call(migrations, "current_revisions")
    assert tuple(got) == (), (
        f"On an empty database current_revisions(config) returned {got!r}; expected ()."
    )
    migrations.stamp("0002b")
    got = call(migrations, "current_revisions")
    assert tuple(got) == ("0002b",), (
        f"After `alembic stamp 0002b` current_revisions(config) returned {got!r}; expected "
        "('0002b',)."
    )
    migrations.stamp("base")
    migrations.upgrade("0002a")
    migrations.upgrade("0002b")
    got = call(migrations, "current_revisions")
    assert isinstance(got, tuple) and sorted(got) == ["0002a", "0002b"], (
        f"After `alembic upgrade 0002a` and `alembic upgrade 0002b` the database stands on both "
        f"branches (alembic_version has two rows); current_revisions(config) returned {got!r}; "
        "expected a tuple of both, ('0002a', '0002b') in any order."
    )
    migrations.upgrade("head")
    got = call(migrations, "current_revisions")
    assert tuple(got) == ("0003",), (
        f"At head current_revisions(config) returned {got!r}; expected ('0003',)."
    )


def test_history_is_base_to_head(migrations):
    """history(config) lists each revision once, after those it builds on (base first)."""
    script = migrations.script()
    got = call(migrations, "history")
    expected = set(migrations.revisions())
    assert isinstance(got, list) and sorted(got) == sorted(expected), (
        f"history(config) returned {got!r}; expected a list of every revision id once: "
        f"{sorted(expected)} (in order, base first)."
    )
    for position, revision in enumerate(got):
        down = script.get_revision(revision).down_revision or ()
        for parent in (down,) if isinstance(down, str) else down:
            assert parent in got[:position], (
                f"history(config) returned {got!r}: {revision} comes before {parent}, which it "
                "builds on (its down_revision); expected base first, head last."
            )


def test_the_schema_at_head_matches_the_models(migrations):
    """After upgrade head, the database and models.py agree (tables, columns, types, NOT NULL)."""
    assert_models_match(migrations)
