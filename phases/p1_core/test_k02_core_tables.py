"""Checks for kata 1.2 — Core beside the ORM."""

import pytest
from sqlalchemy import Engine, Row, String, Table, create_engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

# Users for the emails_of checks, inserted in an order that is neither name nor email order,
# so a result that is not sorted by name shows.
PEOPLE = [
    {"name": "adrian", "email": "bird@example.com"},
    {"name": "brad", "email": "brad@example.com"},
    {"name": "adam", "email": "adam@example.com"},
    {"name": "ada", "email": "lovelace@example.com"},
    {"name": "adele", "email": None},
    {"name": "bob", "email": "robert@example.com"},
]


def _user_table(kata) -> Table:
    """The learner's user_table, after checking it has the three columns the checks use."""
    table = kata.user_table
    assert isinstance(table, Table), f"user_table is {table!r}; expected a sqlalchemy Table."
    assert table.name == "user_account", (
        f"user_table is named {table.name!r}; expected Table('user_account', metadata, ...)."
    )
    assert table.metadata is kata.metadata, (
        "user_table belongs to another MetaData: pass the module's `metadata` as Table's second "
        "argument so metadata.create_all() creates it."
    )
    columns = sorted(table.c.keys())
    missing = sorted({"id", "name", "email"} - set(columns))
    assert not missing, (
        f"user_table has the columns {columns}; expected id, name and email (missing: "
        f"{', '.join(missing)})."
    )
    return table


def _with_people(kata, engine: Engine, people: list[dict]) -> Table:
    """Create the learner's table and insert `people` into it, committed."""
    table = _user_table(kata)
    kata.metadata.create_all(engine)
    if people:
        with engine.begin() as connection:
            connection.execute(insert(table), people)
    return table


def _names_in(url: str) -> list[str]:
    """The user names a new connection can see: only committed rows."""
    reader = create_engine(url)
    with reader.connect() as connection:
        names = connection.scalars(text("SELECT name FROM user_account")).all()
    reader.dispose()
    return sorted(names)


def test_user_table_definition(kata):
    """user_table is Table "user_account" in `metadata`: id primary key, name and email strings."""
    table = _user_table(kata)
    primary = [column.name for column in table.primary_key]
    assert primary == ["id"], f"user_table's primary key is {primary}; expected ['id']."
    for name, length in (("name", 50), ("email", 120)):
        column_type = table.c[name].type
        assert isinstance(column_type, String) and column_type.length == length, (
            f"user_table.c.{name} has type {column_type!r}; expected String({length})."
        )


def test_create_schema_creates_the_table(kata, engine, db_url):
    """create_schema(engine) creates user_account, and calling it again keeps the rows in it."""
    table = _user_table(kata)
    kata.create_schema(engine)
    checker = create_engine(db_url)
    tables = inspect(checker).get_table_names()
    checker.dispose()
    assert "user_account" in tables, (
        f"After create_schema(engine) the database has the tables {tables}; expected "
        "user_account. metadata.create_all(engine) creates every table registered in metadata."
    )
    with engine.begin() as connection:
        connection.execute(insert(table).values(name="ada", email="ada@example.com"))
    kata.create_schema(engine)  # an application calls it at every start
    names = _names_in(db_url)
    assert names == ["ada"], (
        f"create_schema(engine), then a user 'ada' committed, then create_schema(engine) again: "
        f"user_account now holds {names}; expected ['ada']. Creating the schema must only add "
        "what is missing (create_all skips existing tables); dropping and recreating them "
        "deletes the data."
    )


def test_created_schema_has_every_constraint(kata, engine, db_url):
    """The table create_schema makes: id primary key, name VARCHAR(50) NOT NULL, email
    VARCHAR(120) NULL and UNIQUE, as the database itself reports them."""
    _user_table(kata)
    kata.create_schema(engine)
    checker = create_engine(db_url)
    found = inspect(checker)
    columns = {column["name"]: column for column in found.get_columns("user_account")}
    primary = found.get_pk_constraint("user_account")["constrained_columns"]
    unique = [c["column_names"] for c in found.get_unique_constraints("user_account")]
    unique += [ix["column_names"] for ix in found.get_indexes("user_account") if ix["unique"]]
    checker.dispose()
    assert sorted(columns) == ["email", "id", "name"], (
        f"The user_account table create_schema made has the columns {sorted(columns)}; expected "
        "['email', 'id', 'name']."
    )
    assert primary == ["id"], f"user_account's primary key is {primary}; expected ['id']."
    for name, length, nullable in (("name", 50, False), ("email", 120, True)):
        column = columns[name]
        got_length = getattr(column["type"], "length", None)
        assert got_length == length, (
            f"The database says user_account.{name} is {column['type']!r}; expected "
            f"VARCHAR({length}) (Column({name!r}, String({length}), ...))."
        )
        assert column["nullable"] is nullable, (
            f"The database says user_account.{name} is "
            f"{'NULL' if column['nullable'] else 'NOT NULL'}; expected "
            f"{'NULL (the default)' if nullable else 'NOT NULL (nullable=False)'}."
        )
    assert ["email"] in unique, (
        f"The database reports these unique column sets on user_account: {unique}; expected "
        "one on email alone (Column('email', String(120), unique=True))."
    )
    assert ["name"] not in unique, (
        "The database reports a unique constraint on user_account.name; the table has none "
        "(two users may share a name)."
    )


def test_name_is_not_null(kata, engine):
    """The database refuses a user_account row without a name."""
    table = _with_people(kata, engine, [])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(table).values(name=None, email="nameless@example.com"))
        pytest.fail(
            "Inserting a user_account row with name=None succeeded; expected the database to "
            "refuse it. Declare the column Column('name', String(50), nullable=False)."
        )


def test_email_is_unique_but_optional(kata, engine):
    """Two users may not share an email, but any number may have none."""
    table = _with_people(kata, engine, [{"name": "ada", "email": "ada@example.com"}])
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(table), [{"name": "grace", "email": None}, {"name": "linus", "email": None}]
            )
    except IntegrityError as error:
        pytest.fail(
            "Inserting two users without an email (email=None) was refused; expected email to be "
            f"optional (nullable, the default). The database said: {error.orig}"
        )
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(table).values(name="impostor", email="ada@example.com"))
        pytest.fail(
            "Inserting a second user with the email 'ada@example.com' succeeded; expected the "
            "database to refuse it. Declare the email column with unique=True."
        )


def test_add_user_returns_the_new_id(kata, engine, db_url):
    """add_user(connection, name, email) inserts the user and returns its new id as an int."""
    _with_people(kata, engine, [])
    with engine.connect() as connection:
        ada = kata.add_user(connection, "ada", "ada@example.com")
        grace = kata.add_user(connection, "grace")
        connection.commit()
    for who, got in (("'ada', 'ada@example.com'", ada), ("'grace'", grace)):
        assert isinstance(got, int), (
            f"add_user(connection, {who}) returned {got!r}; expected the new id as an int "
            "(inserted_primary_key is a Row: take its first item)."
        )
    assert ada != grace, f"add_user returned the id {ada} for two different users."
    with engine.connect() as connection:
        result = connection.execute(select(kata.user_table))
        rows = {row.id: (row.name, row.email) for row in result}
    assert rows == {ada: ("ada", "ada@example.com"), grace: ("grace", None)}, (
        f"After add_user(connection, 'ada', 'ada@example.com') returned {ada} and "
        f"add_user(connection, 'grace') returned {grace}, user_account holds {rows}; expected "
        f"{ {ada: ('ada', 'ada@example.com'), grace: ('grace', None)} }."
    )


HOSTILE = ["O'Brien", "back\\slash", "100%", "'; --"]


def test_add_user_binds_hostile_values(kata, engine, queries):
    """add_user sends name and email as bound parameters: hostile text is stored as given."""
    table = _with_people(kata, engine, [])
    with engine.connect() as connection:
        for name in HOSTILE:
            try:
                kata.add_user(connection, name, f"{name}@example.com")
            except DBAPIError as error:
                pytest.fail(
                    f"add_user(connection, {name!r}, ...) made the database raise "
                    f"{type(error.orig).__name__}: {error.orig}. The value was pasted into the "
                    "SQL: build the statement with insert(user_table).values(name=name, ...), "
                    "which binds the values as parameters.",
                    pytrace=False,
                )
        rows = connection.execute(select(table.c.name, table.c.email).order_by(table.c.id)).all()
        connection.rollback()
    expected = [(name, f"{name}@example.com") for name in HOSTILE]
    assert [tuple(row) for row in rows] == expected, (
        f"add_user was called with the names {HOSTILE!r}; user_account then held "
        f"{[tuple(row) for row in rows]!r}; expected {expected!r}."
    )
    bound = queries.parameters(r"^INSERT INTO user_account")
    missing = [name for name in HOSTILE if not any(name in values for values in bound)]
    assert not missing, (
        f"add_user sent {queries.matching(r'^INSERT INTO user_account')!r} with the bound values "
        f"{bound!r}; the names {missing!r} were not among them, so they travelled inside the SQL "
        "text. insert(user_table).values(name=name, email=email) binds them."
    )


def test_add_user_sends_one_insert(kata, engine, queries):
    """add_user gets the new id back with its INSERT: one statement, no SELECT afterwards."""
    _with_people(kata, engine, [])
    with engine.connect() as connection:
        with queries.during() as sent, queries.budget(1, "add_user(connection, 'ada')"):
            kata.add_user(connection, "ada")
        connection.rollback()
    assert sent and sent[0].upper().startswith("INSERT INTO USER_ACCOUNT"), (
        f"add_user(connection, 'ada') sent {sent}; expected one INSERT INTO user_account."
    )


def test_add_user_leaves_the_commit_to_the_caller(kata, engine, db_url):
    """add_user does not commit: when the caller rolls back, the user is gone."""
    _with_people(kata, engine, [])
    with engine.connect() as connection:
        kata.add_user(connection, "ada")
        connection.rollback()
    names = _names_in(db_url)
    assert names == [], (
        f"add_user(connection, 'ada') followed by connection.rollback() left {names} in "
        "user_account; expected nothing. A function that is handed a connection should not "
        "commit: the caller may be in the middle of a larger unit of work."
    )


def test_find_user_returns_a_row(kata, engine):
    """find_user(connection, id) returns that user's Row, with fields by name."""
    table = _with_people(kata, engine, PEOPLE)
    with engine.connect() as connection:
        ada_id = connection.scalar(select(table.c.id).where(table.c.name == "ada"))
        row = kata.find_user(connection, ada_id)
    assert isinstance(row, Row), (
        f"find_user(connection, {ada_id}) returned {row!r}; expected a Row (what "
        f"connection.execute(select(...)) yields), not a {type(row).__name__}."
    )
    got = (row.id, row.name, row.email)
    assert got == (ada_id, "ada", "lovelace@example.com"), (
        f"find_user(connection, {ada_id}) returned a row with id, name, email = {got}; expected "
        f"{(ada_id, 'ada', 'lovelace@example.com')}."
    )


def test_find_user_returns_none_when_missing(kata, engine):
    """find_user(connection, id) returns None for an id no user has."""
    _with_people(kata, engine, PEOPLE)
    with engine.connect() as connection:
        row = kata.find_user(connection, 9999)
    assert row is None, f"find_user(connection, 9999) returned {row!r}; expected None."


def test_emails_of_filters_by_prefix_and_sorts_by_name(kata, engine):
    """emails_of(connection, prefix) returns the emails of names starting with prefix, by name."""
    _with_people(kata, engine, PEOPLE)
    expected = {
        "ad": ["lovelace@example.com", "adam@example.com", "bird@example.com"],
        "b": ["robert@example.com", "brad@example.com"],
        "ada": ["lovelace@example.com", "adam@example.com"],
        "zed": [],
    }
    with engine.connect() as connection:
        got = {prefix: kata.emails_of(connection, prefix) for prefix in expected}
    for prefix, emails in expected.items():
        assert got[prefix] == emails, (
            f"emails_of(connection, {prefix!r}) returned {got[prefix]!r}; expected {emails!r} "
            f"(users: {[(p['name'], p['email']) for p in PEOPLE]}; names must start with the "
            "prefix, results ordered by name, users without an email left out)."
        )


def test_emails_of_leaves_out_users_without_email(kata, engine):
    """emails_of never returns None: users without an email are filtered out."""
    people = [{"name": "adele", "email": None}, {"name": "adam", "email": "adam@example.com"}]
    _with_people(kata, engine, people)
    with engine.connect() as connection:
        got = kata.emails_of(connection, "ade")
    assert got == [], (
        f"emails_of(connection, 'ade') returned {got!r} when the only matching user, adele, has no "
        "email; expected []. Filter with user_table.c.email.is_not(None) (SQL: IS NOT NULL)."
    )


def test_emails_of_treats_wildcards_as_text(kata, engine):
    """A '_' or '%' in the prefix matches only itself, not any character(s)."""
    people = [
        {"name": "a_b", "email": "underscore@example.com"},
        {"name": "axb", "email": "x@example.com"},
        {"name": "a%c", "email": "percent@example.com"},
        {"name": "abc", "email": "b@example.com"},
    ]
    _with_people(kata, engine, people)
    expected = {"a_": ["underscore@example.com"], "a%": ["percent@example.com"], "a_%": []}
    with engine.connect() as connection:
        got = {prefix: kata.emails_of(connection, prefix) for prefix in expected}
    for prefix, emails in expected.items():
        assert got[prefix] == emails, (
            f"emails_of(connection, {prefix!r}) returned {got[prefix]!r}; expected {emails!r} "
            f"(users: {[(p['name'], p['email']) for p in people]}). In LIKE, '_' stands for any "
            "one character and '%' for any run of them: escape them so the prefix is read as "
            "text, with user_table.c.name.startswith(name_prefix, autoescape=True)."
        )


def test_emails_of_filters_in_the_database(kata, engine, queries):
    """emails_of sends one SELECT that filters (WHERE) and sorts (ORDER BY) in the database."""
    _with_people(kata, engine, PEOPLE)
    with engine.connect() as connection:
        with queries.during() as sent:
            kata.emails_of(connection, "ad")
    selects = [sql for sql in sent if sql.upper().startswith("SELECT")]
    assert len(selects) == 1 and " WHERE " in selects[0].upper(), (
        f"emails_of(connection, 'ad') sent {sent}; expected one SELECT with a WHERE clause. "
        "Fetching every user and filtering in Python reads the whole table for a few rows."
    )
    assert " ORDER BY " in selects[0].upper(), (
        f"emails_of(connection, 'ad') sent {selects[0]!r}, with no ORDER BY: sorting in Python "
        "works here, but the task asks the database to sort (.order_by(user_table.c.name)), "
        "which it can do from an index and before a LIMIT."
    )
