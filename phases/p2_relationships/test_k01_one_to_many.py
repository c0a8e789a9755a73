"""Checks for kata 2.1 — one-to-many and many-to-one."""

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship, no_commit
from checker.plugin.compare import assert_rows_match
from checker.plugin.schema import Col, assert_table

# (author, title), inserted in this order: not alphabetical, so sorting is visible.
POSTS = [
    ("adam", "Kites"),
    ("ada", "Zebra crossings"),
    ("Ada", "Engines"),
    ("ada", "Apples"),
    ("bob", "Bicycles"),
    ("j.doe", "Dots"),
    ("ada", "Mango season"),
    ("j_doe", "Underscores"),
    ("o'hara", "Quotes"),
]
# cleo has no posts. The near misses of "ada" (adam contains it, Ada differs in case) and of
# "j_doe" (LIKE's _ matches the dot of j.doe) come first, so a lookup that is not an exact
# match finds the wrong user (or several); o'hara has a quote in her name.
USERS = ["adam", "Ada", "j.doe", "ada", "bob", "j_doe", "o'hara", "cleo"]


def _relationship(kata, owner: str, name: str, target: str, many: bool, expected: str):
    """The relationship `owner.name`, after checking it exists, points at `target`, and is a
    list (many=True) or a single object (many=False)."""
    rel = find_relationship(
        kata,
        owner,
        name,
        target,
        expected,
        "relationship() finds the join through a ForeignKey: Post.author_id needs "
        "mapped_column(ForeignKey('user_account.id')).",
    )
    assert rel.uselist is many, (
        f"{owner}.{name} holds {'a list' if rel.uselist else 'a single object'}; expected "
        f"{'a list of ' + target if many else 'one ' + target}: `{expected}`. The annotation "
        "decides: Mapped[list['Post']] is a collection, Mapped['User'] one object."
    )
    return rel


def _models(kata):
    """(User, Post) once both sides of the relationship and the foreign key are there."""
    _relationship(
        kata,
        "User",
        "posts",
        "Post",
        True,
        'posts: Mapped[list["Post"]] = relationship(back_populates="author")',
    )
    _relationship(
        kata,
        "Post",
        "author",
        "User",
        False,
        'author: Mapped["User"] = relationship(back_populates="posts")',
    )
    columns = kata.Post.__table__.c
    assert "author_id" in columns, (
        f"The post table has the columns {list(columns.keys())!r}; expected an author_id column: "
        "author_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'))."
    )
    return kata.User, kata.Post


def _seed(kata, engine) -> dict[str, int]:
    """Create the tables and commit USERS and POSTS, linked by author_id only (no relationship
    involved). Returns {username: id}."""
    User, Post = _models(kata)
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup:
        users = {name: User(username=name) for name in USERS}
        setup.add_all(users.values())
        setup.flush()
        for author, title in POSTS:
            setup.add(Post(title=title, author_id=users[author].id))
            setup.flush()  # one at a time, so ids follow the list order
        ids = {name: user.id for name, user in users.items()}
        setup.commit()
    return ids


def _user(session, kata, name):
    return session.scalars(select(kata.User).where(kata.User.username == name)).one()


def _stored_posts(db_url, kata) -> dict[str, int | None]:
    """{title: author_id} as committed, read through a new engine."""
    reader = create_engine(db_url)
    try:
        with reader.connect() as connection:
            table = kata.Post.__table__
            return dict(connection.execute(select(table.c.title, table.c.author_id)).all())
    finally:
        reader.dispose()


def test_posts_and_author_are_relationships(kata):
    """User.posts is a list of Post and Post.author a single User, empty on new objects."""
    User, Post = _models(kata)
    posts = User(username="ada").posts
    assert posts == [], f"User(username='ada').posts is {posts!r}; expected an empty list."
    author = Post(title="Hello").author
    assert author is None, (
        f"Post(title='Hello').author is {author!r}; expected None (no author yet)."
    )


def test_author_id_is_a_required_foreign_key(kata, engine):
    """The database has post.author_id as a NOT NULL, non-unique foreign key to user_account.id,
    and every other column as given."""
    _models(kata)
    kata.Base.metadata.create_all(engine)
    assert_table(
        engine,
        "user_account",
        {"id": Col(nullable=False), "username": Col(nullable=False, unique=True)},
        primary_key=["id"],
    )
    assert_table(
        engine,
        "post",
        {
            "id": Col(nullable=False),
            "title": Col(nullable=False),
            "author_id": Col(
                nullable=False,
                unique=False,
                references="user_account.id",
                hint="Every post has one author and an author has many posts: "
                'author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id")).',
            ),
        },
        primary_key=["id"],
    )


def test_post_without_author_is_refused(kata, session):
    """Flushing a Post that has no author raises IntegrityError (author_id is NOT NULL)."""
    _models(kata)
    kata.Base.metadata.create_all(session.get_bind())
    session.add(kata.Post(title="Orphan"))
    with pytest.raises(IntegrityError):
        session.flush()
        pytest.fail(
            "Flushing Post(title='Orphan') with no author worked; expected an IntegrityError. "
            "A post without an author makes no sense: author_id must be NOT NULL (Mapped[int]).",
            pytrace=False,
        )


def test_appending_to_posts_sets_author(kata):
    """user.posts.append(post) sets post.author at once, in memory, before any flush."""
    User, Post = _models(kata)
    ada, post = User(username="ada"), Post(title="Hello")
    ada.posts.append(post)
    assert post.author is ada, (
        f"After ada.posts.append(post), post.author is {post.author!r}; expected ada, right away. "
        "User.posts needs back_populates='author' so that SQLAlchemy updates the other side in "
        "memory; without it, post.author stays None until a flush and a reload."
    )


def test_setting_author_appends_to_posts(kata):
    """post.author = user adds the post to user.posts at once, in memory, before any flush."""
    User, Post = _models(kata)
    ada, post = User(username="ada"), Post(title="Hello")
    post.author = ada
    assert ada.posts == [post], (
        f"After post.author = ada, ada.posts is {ada.posts!r}; expected [post], right away. "
        "Post.author needs back_populates='posts' so that SQLAlchemy updates the other side in "
        "memory."
    )


def test_write_post_links_both_sides(kata, db_url, engine):
    """write_post returns a Post linked both ways and in the session; commit stores author_id;
    a second call adds a second post and keeps the first."""
    ids = _seed(kata, engine)
    with Session(engine) as session:
        bob = _user(session, kata, "bob")
        with no_commit(session, "write_post(session, bob, 'Brakes')"):
            post = kata.write_post(session, bob, "Brakes")
        assert isinstance(post, kata.Post) and post.title == "Brakes", (
            f"write_post(session, bob, 'Brakes') returned {post!r}; expected the new Post."
        )
        assert post in session, (
            "write_post(session, bob, 'Brakes') returned a Post that is not in the session, so a "
            "commit would not save it. Since SQLAlchemy 2.0, Post(author=user) does not add the "
            "post to the session: call session.add(post) (or append it to user.posts)."
        )
        assert post.author is bob and post in bob.posts, (
            f"After write_post(session, bob, 'Brakes'), post.author is {post.author!r} and "
            f"bob.posts holds {[p.title for p in bob.posts]!r}; expected bob and a list with "
            "'Brakes'. Link the post through the relationship (bob.posts.append(post) or "
            "Post(..., author=bob)), not by setting author_id, which only shows after a reload."
        )
        session.commit()
        kata.write_post(session, bob, "Bells")
        session.commit()
    stored = _stored_posts(db_url, kata)
    bobs = sorted(title for title, author_id in stored.items() if author_id == ids["bob"])
    assert bobs == ["Bells", "Bicycles", "Brakes"], (
        f"After write_post(session, bob, 'Brakes'), a commit, write_post(session, bob, 'Bells') "
        f"and a commit, the database has bob (id {ids['bob']}) as the author of {bobs!r}; "
        "expected ['Bells', 'Bicycles', 'Brakes']: each call adds one post to the ones he has "
        "(append to user.posts, never replace the list)."
    )


def test_write_post_for_a_user_not_yet_flushed(kata, db_url, engine):
    """write_post works for a brand-new user: the flush fills in author_id."""
    _seed(kata, engine)
    with Session(engine) as session:
        dora = kata.User(username="dora")
        session.add(dora)  # pending: no INSERT yet, so dora.id is None
        post = kata.write_post(session, dora, "Day one")
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                "write_post(session, dora, 'Day one') for a user not yet flushed failed at "
                f"commit: {exc.orig}. dora.id was None when write_post ran, so author_id=user.id "
                "stores nothing. Link through the relationship and the flush fills in author_id.",
                pytrace=False,
            )
        dora_id = dora.id
        assert post.author is dora, f"post.author is {post.author!r}; expected dora."
    stored = _stored_posts(db_url, kata)
    assert stored.get("Day one") == dora_id, (
        f"After write_post(session, dora, 'Day one') and a commit, the database has the posts "
        f"{stored!r}; expected 'Day one' with author_id {dora_id} (dora's id)."
    )


def test_write_post_for_a_user_outside_the_session(kata, db_url, engine):
    """write_post adds the post to the session itself, even when the user is not in the session
    (then the post brings its author along)."""
    _seed(kata, engine)
    with Session(engine) as session:
        eve = kata.User(username="eve")  # transient: never added to any session
        post = kata.write_post(session, eve, "Hello from eve")
        assert post in session, (
            "write_post(session, eve, 'Hello from eve') for a user who is not in the session "
            "returned a Post that is not in the session either, so a commit saves nothing. "
            "Appending to user.posts only cascades the post into the session when the user is "
            "in it: call session.add(post) as well."
        )
        session.commit()
        eve_id = eve.id
    stored = _stored_posts(db_url, kata)
    assert stored.get("Hello from eve") == eve_id, (
        f"After write_post(session, eve, 'Hello from eve') for a user outside the session and a "
        f"commit, the database has the posts {stored!r}; expected 'Hello from eve' by eve "
        f"(id {eve_id}), saved with her."
    )


def test_move_post_updates_both_lists(kata, db_url, engine):
    """move_post moves the post from one user's posts to the other's, in memory and on commit."""
    ids = _seed(kata, engine)
    with Session(engine) as session:
        ada, bob = _user(session, kata, "ada"), _user(session, kata, "bob")
        post = next(p for p in ada.posts if p.title == "Apples")
        before = [p.title for p in bob.posts]  # loads bob's list before the move
        assert before == ["Bicycles"], (
            f"Before any move, bob.posts is {before!r}; expected ['Bicycles']."
        )
        kata.move_post(post, bob)
        assert post.author is bob, (
            f"After move_post(post, bob), post.author is {post.author!r}; expected bob."
        )
        assert post not in ada.posts and post in bob.posts, (
            f"After move_post(post, bob), ada.posts has {sorted(p.title for p in ada.posts)!r} "
            f"and bob.posts {sorted(p.title for p in bob.posts)!r}; expected 'Apples' only in "
            "bob's. Assign post.author = new_author: with back_populates on both sides SQLAlchemy "
            "takes the post out of the old list and adds it to the new one. Setting author_id "
            "changes neither until a reload."
        )
        session.commit()
    stored = _stored_posts(db_url, kata)
    assert stored.get("Apples") == ids["bob"], (
        f"After move_post and a commit, the database has the posts {stored!r}; expected "
        f"'Apples' with author_id {ids['bob']} (bob's id)."
    )


def test_navigation_both_ways_after_reload(kata, engine):
    """In a new session, user.posts and post.author are loaded from the foreign key."""
    _seed(kata, engine)
    with Session(engine) as session:
        ada = _user(session, kata, "ada")
        assert_rows_match(
            [p.title for p in ada.posts],
            ["Zebra crossings", "Apples", "Mango season"],
            ordered=False,
            what="[post.title for post in ada.posts]",
        )
        post = session.scalars(select(kata.Post).where(kata.Post.title == "Bicycles")).one()
        author = post.author
        assert author is not None and author.username == "bob", (
            f"The post 'Bicycles' (author_id = bob's id) has post.author = {author!r}; "
            "expected bob."
        )


@pytest.mark.parametrize(
    "username, expected",
    [
        ("ada", ["Apples", "Mango season", "Zebra crossings"]),
        ("j_doe", ["Underscores"]),
        ("o'hara", ["Quotes"]),
    ],
    ids=["ada", "j_doe", "o'hara"],
)
def test_titles_by(kata, engine, username, expected):
    """titles_by returns that user's post titles, as strings, alphabetically: exact name only."""
    _seed(kata, engine)
    with Session(engine) as session:
        try:
            got = kata.titles_by(session, username)
        except MultipleResultsFound:
            pytest.fail(
                f"titles_by(session, {username!r}) raised MultipleResultsFound: the user lookup "
                f"matched several of the users {USERS!r}. Only one has exactly that name: compare "
                "with User.username == username (LIKE, contains(), startswith() and "
                "case-insensitive matches also find near misses).",
                pytrace=False,
            )
    assert isinstance(got, list) and all(isinstance(t, str) for t in got), (
        f"titles_by(session, {username!r}) returned {got!r}; expected a list of str."
    )
    others = sorted(title for author, title in POSTS if author != username)
    wrong = [title for title in got if title in others]
    assert not wrong, (
        f"titles_by(session, {username!r}) returned {got!r}, with posts by other users: {wrong!r}. "
        f"The users are {USERS!r}: look the user up by equality (User.username == username); "
        "LIKE, contains(), startswith() and case-insensitive matches also find near misses "
        "(adam contains ada, LIKE's _ matches any character)."
    )
    assert_rows_match(got, expected, ordered=True, what=f"titles_by(session, {username!r})")


def test_titles_by_without_posts(kata, engine):
    """titles_by is [] for a user without posts and for a username nobody has."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = kata.titles_by(session, "cleo")
        assert list(got) == [], (
            f"titles_by(session, 'cleo') returned {got!r}; cleo has no posts: expected []."
        )
        for nobody in ("nobody", "ad"):
            try:
                got = kata.titles_by(session, nobody)
            except MultipleResultsFound:
                pytest.fail(
                    f"titles_by(session, {nobody!r}) raised MultipleResultsFound; expected [] for "
                    f"a username nobody has (the users are {USERS!r}). Match the name exactly: "
                    "User.username == username.",
                    pytrace=False,
                )
            except NoResultFound:
                pytest.fail(
                    f"titles_by(session, {nobody!r}) raised NoResultFound; expected []. .one() "
                    "raises when no row matches: use .one_or_none() and return [] for None.",
                    pytrace=False,
                )
            assert list(got) == [], (
                f"titles_by(session, {nobody!r}) returned {got!r}; expected [] for a username "
                f"nobody has (the users are {USERS!r})."
            )
