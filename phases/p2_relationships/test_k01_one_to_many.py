"""Checks for kata 2.1 — one-to-many and many-to-one."""

import pytest
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship, no_commit
from checker.plugin.compare import assert_rows_match

# (author, title), inserted in this order: not alphabetical, so sorting is visible.
POSTS = [
    ("ada", "Zebra crossings"),
    ("ada", "Apples"),
    ("bob", "Bicycles"),
    ("ada", "Mango season"),
]
USERS = ["ada", "bob", "cleo"]  # cleo has no posts


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
    """The database has post.author_id as a NOT NULL foreign key to user_account.id."""
    _models(kata)
    kata.Base.metadata.create_all(engine)
    database = inspect(engine)
    keys = [
        (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
        for fk in database.get_foreign_keys("post")
    ]
    assert (["author_id"], "user_account", ["id"]) in keys, (
        f"inspect(engine).get_foreign_keys('post') gives {keys!r}; expected author_id -> "
        "user_account.id: mapped_column(ForeignKey('user_account.id'))."
    )
    nullable = {c["name"]: c["nullable"] for c in database.get_columns("post")}
    assert nullable.get("author_id") is False, (
        "post.author_id allows NULL; every post has an author, so annotate it Mapped[int] "
        "(Mapped[int | None] would make it optional)."
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
    """write_post returns a Post linked both ways and in the session; commit stores author_id."""
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
    stored = _stored_posts(db_url, kata)
    assert stored.get("Brakes") == ids["bob"], (
        f"After write_post(session, bob, 'Brakes') and a commit, the database has the posts "
        f"{stored!r}; expected 'Brakes' with author_id {ids['bob']} (bob's id)."
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


def test_titles_by(kata, engine):
    """titles_by(session, 'ada') returns ada's post titles as strings, alphabetically."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = kata.titles_by(session, "ada")
    assert isinstance(got, list) and all(isinstance(t, str) for t in got), (
        f"titles_by(session, 'ada') returned {got!r}; expected a list of str."
    )
    assert_rows_match(
        got,
        ["Apples", "Mango season", "Zebra crossings"],
        ordered=True,
        what="titles_by(session, 'ada')",
    )


def test_titles_by_without_posts(kata, engine):
    """titles_by is [] for a user without posts and for a username nobody has."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = kata.titles_by(session, "cleo")
        assert list(got) == [], (
            f"titles_by(session, 'cleo') returned {got!r}; cleo has no posts: expected []."
        )
        try:
            got = kata.titles_by(session, "nobody")
        except NoResultFound:
            pytest.fail(
                "titles_by(session, 'nobody') raised NoResultFound; expected []. .one() raises "
                "when no row matches: use .one_or_none() and return [] for None.",
                pytrace=False,
            )
        assert list(got) == [], (
            f"titles_by(session, 'nobody') returned {got!r}; expected [] for a username nobody has."
        )
