"""Checks for kata 4.4: two data migrations, 0002 (username from the email) and 0003 (full_name
split in two), each reversible; rows are seeded at 0001 and read back after every step."""

from __future__ import annotations

import sqlalchemy as sa

from checker.plugin.alembic_fixtures import Migrations
from checker.plugin.migration_checks import (
    C,
    Expect,
    assert_each_revision_round_trips,
    assert_leaves_no_trace,
    assert_models_match,
    assert_single_head,
    expect_schema,
    fail_with_ddl,
    migrate_or_fail,
)

# id, full_name, email: mixed-case emails, an apostrophe, one word, three words
USERS = [
    (1, "Ada Lovelace", "Ada.Lovelace@Example.com"),
    (2, "Conan O'Brien", "Conan.O'Brien@Example.COM"),
    (3, "Cher", "CHER@example.com"),
    (4, "Guido van Rossum", "guido@python.org"),
    (5, "Grace Hopper", "grace+navy@Example.org"),
]
SEEDED = f"a user_account table with {len(USERS)} rows"  # where the data checks migrate
USERNAMES = [
    (1, "ada.lovelace"),
    (2, "conan.o'brien"),
    (3, "cher"),
    (4, "guido"),
    (5, "grace+navy"),
]
SPLIT = [
    (1, "Ada", "Lovelace"),
    (2, "Conan", "O'Brien"),
    (3, "Cher", ""),
    (4, "Guido", "van Rossum"),
    (5, "Grace", "Hopper"),
]
MANY = 1000

BACKFILL = (
    "A NOT NULL column on a table with rows needs its values first: add username nullable, "
    "fill it with one UPDATE for every row, and only then alter it to NOT NULL."
)
SPLIT_STEPS = (
    "Add first_name and last_name nullable, fill both with one UPDATE for every row (a name of "
    "one word has last_name ''), and only then make them NOT NULL and drop full_name."
)


def seed(migrations: Migrations) -> None:
    migrations.upgrade("0001")
    for user_id, full_name, email in USERS:
        migrations.execute(
            "INSERT INTO user_account (id, full_name, email) VALUES (:id, :full_name, :email)",
            id=user_id,
            full_name=full_name,
            email=email,
        )


def rows(migrations: Migrations, columns: str) -> list[tuple[object, ...]]:
    return migrations.execute(f"SELECT id, {columns} FROM user_account ORDER BY id")


def expect_rows(
    migrations: Migrations, columns: str, expected: list[tuple[object, ...]], why: str
) -> None:
    got = rows(migrations, columns)
    if got != expected:
        wrong = [(g, e) for g, e in zip(got, expected, strict=False) if g != e]
        listing = "\n".join(f"    got {g!r}, expected {e!r}" for g, e in wrong[:6])
        count = "" if len(got) == len(expected) else f" ({len(got)} rows, not {len(expected)})"
        fail_with_ddl(
            migrations,
            f"After `{migrations.last_command}`, SELECT id, {columns} FROM user_account "
            f"ORDER BY id returned rows that differ from the task's{count}:\n{listing}\n{why}",
        )


def test_0002_backfills_username_from_the_email(migrations):
    """upgrade 0002: every row's username is its email's local part, lowercased."""
    seed(migrations)
    migrate_or_fail(migrations, "upgrade", "0002", BACKFILL, on=SEEDED)
    expect_rows(
        migrations,
        "username",
        USERNAMES,
        "username is the part of the email before the '@', lowercased "
        "('Ada.Lovelace@Example.com' -> 'ada.lovelace'), for every row.",
    )
    expect_rows(
        migrations,
        "full_name, email",
        [(i, name, email) for i, name, email in USERS],
        "Revision 0002 adds a column; full_name and email stay as they were.",
    )


def test_0002_makes_username_not_null_and_unique(migrations):
    """After 0002 username refuses NULL and has the unique constraint uq_user_account_username."""
    seed(migrations)
    migrate_or_fail(migrations, "upgrade", "0002", BACKFILL, on=SEEDED)
    expect_schema(
        migrations,
        {
            "user_account": Expect(
                columns={
                    "id": C(nullable=False),
                    "full_name": C(nullable=False),
                    "email": C(nullable=False),
                    "username": C(nullable=False, type=sa.String(64)),
                },
                unique={"uq_user_account_username": ["username"]},
            )
        },
    )


def test_0003_splits_full_name(migrations):
    """upgrade 0003: first word in first_name, the rest in last_name ('' for one word)."""
    seed(migrations)
    migrate_or_fail(migrations, "upgrade", "0002", BACKFILL, on=SEEDED)
    migrate_or_fail(migrations, "upgrade", "0003", SPLIT_STEPS, on=SEEDED)
    expect_rows(
        migrations,
        "first_name, last_name",
        SPLIT,
        "The first word of full_name is first_name, everything after the first space is "
        "last_name ('Guido van Rossum' -> 'Guido', 'van Rossum'; 'Cher' -> 'Cher', '').",
    )
    expect_rows(
        migrations,
        "username, email",
        [
            (i, username, email)
            for (i, username), (_, _, email) in zip(USERNAMES, USERS, strict=True)
        ],
        "Revision 0003 changes the name columns only; username and email stay as they were.",
    )
    expect_schema(
        migrations,
        {
            "user_account": Expect(
                columns={
                    "id": C(nullable=False),
                    "email": C(nullable=False),
                    "username": C(nullable=False),
                    "first_name": C(nullable=False, type=sa.String(100)),
                    "last_name": C(nullable=False, type=sa.String(100)),
                },
                unique={"uq_user_account_username": ["username"]},
            )
        },
    )


def test_downgrades_restore_every_full_name(migrations):
    """downgrade 0002 then 0001: full_name comes back, exactly, for every row."""
    seed(migrations)
    migrate_or_fail(migrations, "upgrade", "0002", BACKFILL, on=SEEDED)
    migrate_or_fail(migrations, "upgrade", "0003", SPLIT_STEPS, on=SEEDED)
    migrate_or_fail(
        migrations,
        "downgrade",
        "0002",
        "0003's downgrade adds full_name nullable, fills it from first_name and last_name, "
        "then makes it NOT NULL and drops the two parts.",
        on=SEEDED,
    )
    expect_rows(
        migrations,
        "full_name, email, username",
        [(i, name, email, u) for (i, name, email), (_, u) in zip(USERS, USERNAMES, strict=True)],
        "0003's downgrade rebuilds full_name as first_name, a space, last_name, trimmed: 'Cher' "
        "(last_name '') must come back as 'Cher', not 'Cher '.",
    )
    migrate_or_fail(
        migrations,
        "downgrade",
        "0001",
        "0002's downgrade drops the constraint and username.",
        on=SEEDED,
    )
    expect_rows(
        migrations,
        "full_name, email",
        USERS,
        "After both downgrades the rows must be exactly as they were seeded at 0001.",
    )
    expect_schema(
        migrations,
        {
            "user_account": Expect(
                columns={
                    "id": C(nullable=False),
                    "full_name": C(nullable=False, type=sa.String(100)),
                    "email": C(nullable=False),
                }
            )
        },
    )


def test_upgrades_work_on_an_empty_table(migrations):
    """upgrade head on a user_account with no rows: the schema the models describe."""
    migrations.upgrade("0001")
    migrations.upgrade("head")
    assert migrations.execute("SELECT count(*) FROM user_account") == [(0,)], (
        "After `alembic upgrade head` on an empty user_account, the table has rows: "
        f"{migrations.execute('SELECT * FROM user_account')!r}; a migration adds no rows."
    )
    assert_models_match(migrations)


def test_upgrades_carry_a_thousand_rows(migrations):
    """upgrade head with 1000 rows at 0001: every one gets its username and both name parts."""
    migrations.upgrade("0001")
    migrations.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :many) "
        "INSERT INTO user_account (id, full_name, email) "
        "SELECT i, 'Member Number ' || CAST(i AS VARCHAR(10)), "
        "'Member' || CAST(i AS VARCHAR(10)) || '@Example.com' FROM n",
        many=MANY,
    )
    migrate_or_fail(
        migrations,
        "upgrade",
        "head",
        BACKFILL + "\n" + SPLIT_STEPS,
        on=f"a user_account table with {MANY} rows",
    )
    expect_rows(
        migrations,
        "username, first_name, last_name",
        [(i, f"member{i}", "Member", f"Number {i}") for i in range(1, MANY + 1)],
        f"Every one of the {MANY} rows seeded at 0001 needs its username and name parts: "
        "one UPDATE without a WHERE covers the whole table.",
    )


def test_models_match_at_head(migrations):
    """upgrade head: autogenerate finds nothing to change between the models and the database."""
    assert_models_match(migrations)


def test_one_head_and_each_revision_round_trips(migrations):
    """One head, 0001 -> 0002 -> 0003; each revision survives up, down, up."""
    assert_single_head(migrations)
    assert migrations.revisions() == ["0001", "0002", "0003"], (
        f"The revisions, base to head, are {migrations.revisions()}; "
        "expected ['0001', '0002', '0003']."
    )
    assert_each_revision_round_trips(migrations)


def test_downgrade_base_leaves_no_trace(migrations):
    """upgrade head then downgrade base leaves nothing but alembic_version."""
    assert_leaves_no_trace(migrations)
