"""Checks for kata 2.5 — cascades."""

from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, delete, event, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from checker.plugin.compare import assert_rows_match
from checker.plugin.schema import Col, assert_table

# title -> (is_draft, comment bodies), inserted in this order. Titles do not tell drafts apart:
# "Untitled" is a draft, "Drafting tips" is not.
POSTS = {
    "Draft A": (True, ["a1", "a2"]),
    "Published": (False, ["p1", "p2", "p3"]),
    "Untitled": (True, []),
    "Drafting tips": (False, ["o1"]),
}
DRAFTS = [title for title, (is_draft, _) in POSTS.items() if is_draft]


def _relationship(model, name: str, target) -> None:
    """Fail with a sentence unless `model.name` is a relationship to `target`."""
    relationships = inspect(model).relationships
    if name not in relationships:
        pytest.fail(
            f"{model.__name__} has no relationship `{name}` "
            f"(it has {sorted(relationships.keys())}). "
            f"Expected `{name}` = relationship(...) to {target.__name__}, as the docstring says.",
            pytrace=False,
        )
    got = relationships[name].mapper.class_
    assert got is target, (
        f"{model.__name__}.{name} leads to {got.__name__}; expected {target.__name__}."
    )


def _mapped(kata) -> None:
    _relationship(kata.Post, "comments", kata.Comment)
    _relationship(kata.Comment, "post", kata.Post)


@pytest.fixture
def tables(kata, engine: Engine):
    """The kata's tables, created from its models."""
    kata.Base.metadata.create_all(engine)


@pytest.fixture
def seeded(kata, engine: Engine, tables) -> dict[str, int]:
    """POSTS and their comments committed through the tables; returns {title: post id}."""
    posts, comments = kata.Post.__table__, kata.Comment.__table__
    ids = {}
    with engine.begin() as connection:
        for title, (is_draft, bodies) in POSTS.items():
            ids[title] = connection.execute(
                insert(posts).values(title=title, is_draft=is_draft).returning(posts.c.id)
            ).scalar_one()
            for body in bodies:
                connection.execute(insert(comments).values(post_id=ids[title], body=body))
    return ids


def _committed(engine: Engine, kata) -> dict[str, list[str]]:
    """{post title: [comment bodies, by id]} as a new connection sees the database."""
    posts, comments = kata.Post.__table__, kata.Comment.__table__
    with engine.connect() as connection:
        titles = dict(connection.execute(select(posts.c.id, posts.c.title)).all())
        rows = connection.execute(
            select(comments.c.post_id, comments.c.body).order_by(comments.c.id)
        ).all()
    got = {title: [] for title in titles.values()}
    for post_id, body in rows:
        got.setdefault(titles.get(post_id, f"<missing post {post_id}>"), []).append(body)
    return got


def _expected(*without: str) -> dict[str, list[str]]:
    return {title: bodies for title, (_, bodies) in POSTS.items() if title not in without}


@contextmanager
def _listening(target, name: str, listener):
    """`listener` listens to the events `name` on `target` inside the block only (the kata's
    classes live for the whole run)."""
    event.listen(target, name, listener)
    try:
        yield
    finally:
        event.remove(target, name, listener)


def test_schema(kata, engine, tables):
    """The database's comment.post_id is a NOT NULL foreign key to post.id with ON DELETE
    CASCADE; the other columns are as given."""
    assert_table(
        engine,
        "comment",
        {
            "id": Col(nullable=False),
            "body": Col(nullable=False),
            "post_id": Col(
                nullable=False,
                unique=False,
                references="post.id",
                ondelete="CASCADE",
                hint="A comment always belongs to a post, and goes when the post goes: "
                'post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE")).',
            ),
        },
        primary_key=["id"],
    )
    assert_table(
        engine,
        "post",
        {"id": Col(nullable=False), "title": Col(nullable=False), "is_draft": Col(nullable=False)},
        primary_key=["id"],
    )


def test_back_populates_both_ways(kata):
    """Appending to post.comments sets comment.post, and Comment(post=p) joins p.comments."""
    _mapped(kata)
    post = kata.Post(title="Hi")
    first = kata.Comment(body="first")
    post.comments.append(first)
    assert first.post is post, (
        f"After post.comments.append(comment), comment.post is {first.post!r}; expected the post. "
        "Post.comments and Comment.post must name each other with back_populates."
    )
    second = kata.Comment(body="second", post=post)
    assert list(post.comments) == [first, second], (
        f"After Comment(body='second', post=post), post.comments is {list(post.comments)!r}; "
        "expected both comments (back_populates on Comment.post too)."
    )


def test_adding_the_post_adds_its_comments(kata, engine, tables):
    """session.add(post) alone saves the comments in post.comments (save-update cascade)."""
    _mapped(kata)
    with Session(engine) as session:
        post = kata.Post(title="Hi")
        post.comments.extend([kata.Comment(body="one"), kata.Comment(body="two")])
        session.add(post)
        session.commit()
    got = _committed(engine, kata)
    assert got == {"Hi": ["one", "two"]}, (
        f"After session.add(post) and commit, with two comments in post.comments, the database "
        f"holds {got!r}; expected {{'Hi': ['one', 'two']}}. The save-update cascade (part of "
        'cascade="all, ...") adds a post\'s comments to the session with the post.'
    )


def test_create_post(kata, engine, tables):
    """create_post(session, title, bodies) adds only the post (the cascade brings its comments)
    and commits the post and its comments, in order."""
    _mapped(kata)
    with Session(engine) as session:
        added = []  # what the code handed to session.add() or add_all() (not the cascade)
        plain_add = session.add

        def add(instance, _warn=True):
            added.append(instance)
            plain_add(instance, _warn=_warn)

        session.add = add  # this session only; add_all() calls add() for each object
        post = kata.create_post(session, "Hello", ["first!", "+1", "nice", "+1"])
        assert isinstance(post, kata.Post) and isinstance(post.id, int), (
            f"create_post(session, 'Hello', [...]) returned {post!r}; expected the new Post, "
            "with its id."
        )
        comments = [obj for obj in added if isinstance(obj, kata.Comment)]
        assert not comments, (
            f"create_post added {len(comments)} Comment object(s) to the session itself; expected "
            "it to add only the post: the save-update cascade on Post.comments adds the comments "
            "in post.comments with it, which is what this task shows."
        )
    got = _committed(engine, kata)
    assert got == {"Hello": ["first!", "+1", "nice", "+1"]}, (
        f"After create_post(session, 'Hello', ['first!', '+1', 'nice', '+1']) the database holds "
        f"{got!r}; expected the post with its four comments (the same body twice is two "
        "comments), in that order, committed."
    )
    posts = kata.Post.__table__
    with engine.connect() as connection:
        drafts = connection.execute(select(posts.c.is_draft)).scalars().all()
    assert drafts == [False], (
        f"The post made by create_post has is_draft {drafts!r}; expected [False]: a post is not a "
        "draft unless it says so (is_draft's default=False)."
    )


def test_removed_comment_is_deleted(kata, engine, seeded):
    """A comment taken off post.comments is deleted at the next flush (delete-orphan)."""
    _mapped(kata)
    with Session(engine) as session:
        post = session.get(kata.Post, seeded["Published"])
        middle = next(comment for comment in post.comments if comment.body == "p2")
        post.comments.remove(middle)
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                "post.comments.remove(comment) then commit raised IntegrityError "
                f"({str(exc).splitlines()[0]}): without delete-orphan, a comment taken off its "
                "post is not deleted; SQLAlchemy only sets its post_id to NULL, which the NOT NULL "
                'column refuses. Add delete-orphan: cascade="all, delete-orphan".',
                pytrace=False,
            )
    got = _committed(engine, kata)
    expected = _expected() | {"Published": ["p1", "p3"]}
    assert got == expected, (
        f"After removing comment 'p2' from post.comments and committing, the database holds "
        f"{got!r}; expected {expected!r}: the orphan deleted, every other comment kept."
    )


def test_remove_comment(kata, engine, seeded):
    """remove_comment takes the comment off post.comments (no session.delete) and that deletes
    it, and no other comment."""
    _mapped(kata)
    with Session(engine) as session:
        post = session.get(kata.Post, seeded["Draft A"])
        first = next(comment for comment in post.comments if comment.body == "a1")
        marked: list = []  # what session.delete() marked, seen before each flush
        removed: list = []  # what left post.comments

        def before_flush(flushing, context, instances):
            marked.extend(flushing.deleted)

        def on_remove(target, value, initiator):
            removed.append(value)

        with (
            _listening(kata.Post.comments, "remove", on_remove),
            _listening(session, "before_flush", before_flush),
        ):
            try:
                kata.remove_comment(session, post, first)
            except IntegrityError as exc:
                pytest.fail(
                    f"remove_comment(session, post, comment) raised IntegrityError "
                    f"({str(exc).splitlines()[0]}): the removed comment was not deleted but had "
                    "its post_id set to NULL. Post.comments needs "
                    'cascade="all, delete-orphan".',
                    pytrace=False,
                )
        assert first not in marked, (
            "remove_comment(session, post, comment) called session.delete(comment); expected it "
            "only to take the comment off post.comments (post.comments.remove(comment)): with "
            "delete-orphan, a comment that has lost its post is deleted at the flush, which is "
            "the point of this task."
        )
        assert any(value is first for value in removed), (
            "remove_comment(session, post, comment) did not take the comment off post.comments "
            "(no remove event fired on the collection); expected post.comments.remove(comment), "
            "and delete-orphan to delete it. A DELETE statement leaves the session's "
            "post.comments out of step with the database."
        )
        assert first not in post.comments, (
            "After remove_comment(session, post, comment), post.comments is "
            f"{list(post.comments)!r}; "
            "expected it without the removed comment."
        )
    got = _committed(engine, kata)
    expected = _expected() | {"Draft A": ["a2"]}
    assert got == expected, (
        f"After remove_comment(session, post 'Draft A', comment 'a1') the database holds {got!r}; "
        f"expected {expected!r} (committed)."
    )


def test_database_cascades_a_plain_delete(kata, engine, seeded):
    """A DELETE FROM post sent by plain SQL removes the post's comments (ON DELETE CASCADE)."""
    posts = kata.Post.__table__
    try:
        with engine.begin() as connection:
            connection.execute(delete(posts).where(posts.c.id == seeded["Published"]))
    except IntegrityError as exc:
        pytest.fail(
            "DELETE FROM post WHERE id = <Published> raised IntegrityError "
            f"({str(exc).splitlines()[0]}): "
            "its comments still point at it. Make the foreign key cascade in the database: "
            'ForeignKey("post.id", ondelete="CASCADE").',
            pytrace=False,
        )
    got = _committed(engine, kata)
    assert got == _expected("Published"), (
        f"After DELETE FROM post WHERE id = <Published>, the database holds {got!r}; expected "
        f"{_expected('Published')!r}."
    )


def test_delete_post(kata, engine, seeded):
    """delete_post deletes the post through the ORM (session.delete: its events and cascades
    run) and its comments with it, returns True; False for a missing id."""
    _mapped(kata)
    deleted_objects: list = []

    def after_delete(mapper, connection, target):
        deleted_objects.append(target)

    with Session(engine) as session, _listening(kata.Post, "after_delete", after_delete):
        try:
            deleted = kata.delete_post(session, seeded["Draft A"])
        except IntegrityError as exc:
            pytest.fail(
                "delete_post(session, <Draft A>) raised IntegrityError "
                f"({str(exc).splitlines()[0]}): "
                "the comments still pointed at the post. With passive_deletes=True the ORM leaves "
                'them to the database, so the foreign key needs ondelete="CASCADE".',
                pytrace=False,
            )
        missing = kata.delete_post(session, max(seeded.values()) + 1000)
    assert deleted is True, f"delete_post(session, <Draft A>) returned {deleted!r}; expected True."
    assert missing is False, (
        f"delete_post(session, <no such id>) returned {missing!r}; expected False."
    )
    got = _committed(engine, kata)
    assert got == _expected("Draft A"), (
        f"After delete_post(session, <Draft A>) the database holds {got!r}; expected "
        f"{_expected('Draft A')!r}: the post gone, and its comments with it."
    )
    assert [post.title for post in deleted_objects] == ["Draft A"], (
        "delete_post(session, <Draft A>) deleted the post without the ORM: no Post was deleted "
        "through the session (its after_delete event never fired). Load it and "
        "session.delete(post): the ORM's cascades and events run, and the session forgets the "
        "object. A bulk delete(Post) statement is purge_drafts' tool, for many rows at once."
    )


def test_delete_post_with_its_comments_loaded(kata, engine, seeded):
    """delete_post works when the post's comments are already loaded in the session: the ORM
    deletes those (the delete cascade) instead of setting their post_id to NULL."""
    _mapped(kata)
    with Session(engine) as session:
        post = session.get(kata.Post, seeded["Published"])
        shown = list(post.comments)  # the caller displayed them
        try:
            kata.delete_post(session, seeded["Published"])
        except IntegrityError as exc:
            pytest.fail(
                "delete_post(session, <Published>), with its 3 comments loaded in the session, "
                f"raised IntegrityError ({str(exc).splitlines()[0]}): the ORM set the loaded "
                "comments' post_id to NULL instead of deleting them. Post.comments needs the "
                'delete cascade: cascade="all, delete-orphan" ("all" includes delete).',
                pytrace=False,
            )
        gone = [inspect(comment).was_deleted for comment in shown]
    got = _committed(engine, kata)
    assert got == _expected("Published"), (
        f"After delete_post(session, <Published>) with its comments loaded, the database holds "
        f"{got!r}; expected {_expected('Published')!r}."
    )
    assert all(gone), (
        "After delete_post(session, <Published>), the session's loaded comments are not marked "
        f"deleted ({gone!r}); expected the ORM to delete the comments it holds."
    )


@pytest.mark.compare_sql
def test_delete_post_leaves_the_comments_to_the_database(kata, seeded, session, queries):
    """delete_post does not SELECT or DELETE the comments itself (passive_deletes=True)."""
    with queries.budget(2, "delete_post(session, <Published>) with 3 comments"):
        kata.delete_post(session, seeded["Published"])
    touched = queries.matching(r"\bFROM comment\b|\bcomment\.")
    assert not touched, (
        f"delete_post sent statements about comments: {touched!r}. The ORM loaded the comments to "
        "delete them itself; passive_deletes=True on Post.comments tells it to leave that to "
        "ON DELETE CASCADE, so deleting a post with 1,000 comments is one DELETE."
    )


def _rows(engine, kata) -> list[tuple]:
    """(post title, comment body or None) for every committed post and comment."""
    return [
        (title, body)
        for title, bodies in _committed(engine, kata).items()
        for body in bodies or [None]
    ]


def test_purge_drafts(kata, engine, seeded, session):
    """purge_drafts deletes the draft posts (whatever their titles) and their comments, and
    returns how many; called again after new posts arrive, it deletes only the new draft."""
    try:
        got = kata.purge_drafts(session)
    except IntegrityError as exc:
        pytest.fail(
            f"purge_drafts(session) raised IntegrityError ({str(exc).splitlines()[0]}): a bulk "
            "delete(Post) runs no ORM cascade, so only the database can remove the comments: "
            'ForeignKey("post.id", ondelete="CASCADE").',
            pytrace=False,
        )
    assert got == 2, (
        f"purge_drafts(session) returned {got!r}; expected 2 (the drafts {DRAFTS!r}: a post is a "
        "draft when is_draft is true, whatever its title)."
    )
    expected = [
        (title, body) for title, bodies in _expected(*DRAFTS).items() for body in bodies or [None]
    ]
    assert_rows_match(
        _rows(engine, kata),
        expected,
        ordered=False,
        what="(post title, comment body) after purge_drafts(session)",
    )
    posts, comments = kata.Post.__table__, kata.Comment.__table__
    with engine.begin() as connection:
        for title, is_draft in (("Draft C", True), ("Drafts we kept", False)):
            post_id = connection.execute(
                insert(posts).values(title=title, is_draft=is_draft).returning(posts.c.id)
            ).scalar_one()
            connection.execute(insert(comments).values(post_id=post_id, body=f"on {title}"))
    again = kata.purge_drafts(session)
    assert again == 1, (
        f"purge_drafts(session) a second time, after one new draft and one new published post, "
        f"returned {again!r}; expected 1 (the new draft)."
    )
    expected.append(("Drafts we kept", "on Drafts we kept"))
    assert_rows_match(
        _rows(engine, kata),
        expected,
        ordered=False,
        what="(post title, comment body) after purge_drafts(session) twice",
    )


@pytest.mark.compare_sql
def test_purge_drafts_in_one_statement(kata, seeded, session, queries):
    """purge_drafts sends one DELETE and loads no posts."""
    with queries.budget(1, "purge_drafts(session)"):
        kata.purge_drafts(session)
    assert queries.matching(r"^DELETE FROM post\b"), (
        f"purge_drafts sent {queries.statements!r}; expected one DELETE FROM post WHERE "
        "post.is_draft ...: session.execute(delete(Post).where(Post.is_draft))."
    )
