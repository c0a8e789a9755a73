"""Checks for kata 2.6 — lazy and eager loading, the N+1 problem."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import DetachedInstanceError

from checker.plugin.compare import assert_rows_match

AUTHORS = ["ann", "bob", "cat", "dan"]
READERS = ["rae", "sam", "tom", "uma", "vic", "wes"]  # they comment but never post
WORDS = ["well said", "agreed", "nice"]  # a post's comments, in id order: not alphabetical
POST_COUNT = 24
DETAIL = "Post 08"  # three comments, by three different readers


def _post_plan() -> list[tuple[int, str, str, list[tuple[str, str]]]]:
    """(id, title, author, [(comment body, commenter), ...]) for every post, in insertion order.

    Post i (1 to 24) has the id 7i mod 25 and the title 'Post <11i mod 25>', so insertion order,
    id order and title order all differ: only ORDER BY post.id gives id order. It is written by
    AUTHORS[i % 4] and has i % 4 comments (so every fourth post has none), written by readers in
    rotation.
    """
    plan = []
    for i in range(1, POST_COUNT + 1):
        title = f"Post {i * 11 % 25:02d}"
        comments = [
            (f"{WORDS[j]} ({title})", READERS[(i + j) % len(READERS)]) for j in range(i % 4)
        ]
        plan.append((i * 7 % 25, title, AUTHORS[i % len(AUTHORS)], comments))
    return plan


def _in_id_order() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(title, author, comments) of every post, by id."""
    return [(title, author, comments) for _, title, author, comments in sorted(_post_plan())]


def _expected_feed() -> list[tuple]:
    return [(title, author, tuple(comments)) for title, author, comments in _in_id_order()]


def _no_natural_order(session) -> None:
    """Make a SELECT without ORDER BY come back in an order that is not id order. On Postgres
    the seed already does it (rows come back as inserted, and ids were given out of order); a
    SQLite table is read in id order, so ask SQLite to read unordered SELECTs backwards."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA reverse_unordered_selects = ON"))


@pytest.fixture
def tables(kata, engine):
    """The kata's tables, empty."""
    kata.Base.metadata.create_all(engine)
    return engine


@pytest.fixture
def seeded(kata, tables) -> dict[str, int]:
    """10 users, 24 posts and their comments, committed; returns {post title: id}."""
    with Session(tables) as setup, setup.begin():
        users = {name: kata.User(username=name) for name in AUTHORS + READERS}
        setup.add_all(users.values())
        setup.flush()
        posts = {}
        for post_id, title, author, comments in _post_plan():
            post = kata.Post(id=post_id, title=title, author_id=users[author].id)
            setup.add(post)
            posts[title] = (post, author, comments)
        setup.flush()  # the unit of work inserts rows of one table in the order they were added
        for post, _, comments in posts.values():
            for body, commenter in comments:
                setup.add(kata.Comment(post_id=post.id, author_id=users[commenter].id, body=body))
        setup.flush()
        return {title: post.id for title, (post, _, _) in posts.items()}


def _feed_rows(got) -> list[tuple]:
    """feed()'s dicts as (title, author, ((body, commenter), ...)) rows, or a teaching failure."""
    if not isinstance(got, list) or not all(isinstance(item, dict) for item in got):
        pytest.fail(
            f"feed(session) returned {got!r:.300}; expected a list of dicts.", pytrace=False
        )
    rows = []
    for item in got:
        missing = {"title", "author", "comments"} - item.keys()
        if missing:
            pytest.fail(
                f"feed(session) returned a dict without the keys {sorted(missing)}: {item!r:.300}. "
                "Each post is {'title': ..., 'author': <username>, "
                "'comments': [(body, username), ...]}.",
                pytrace=False,
            )
        try:
            comments = tuple(tuple(comment) for comment in item["comments"])
        except TypeError:
            pytest.fail(
                f"feed(session) returned the comments {item['comments']!r:.300}; "
                "expected a list of (body, commenter's username) tuples.",
                pytrace=False,
            )
        rows.append((item["title"], item["author"], comments))
    return rows


def test_feed_returns_every_post(kata, seeded, session):
    """feed lists every post in id order with its author's name and its comments with theirs."""
    _no_natural_order(session)
    rows = _feed_rows(kata.feed(session))
    assert_rows_match(rows, _expected_feed(), ordered=True, what="feed(session)")


def test_feed_keeps_posts_without_comments(kata, seeded, session):
    """A post nobody commented on is in the feed, with an empty list of comments."""
    rows = {title: comments for title, _, comments in _feed_rows(kata.feed(session))}
    for title in [title for _, title, _, comments in _post_plan() if not comments][:3]:
        assert title in rows, (
            f"feed(session) has no entry for {title!r}, a post without comments; expected it with "
            "'comments': []. Loading comments must not drop the posts that have none (an inner "
            "JOIN from post to comment does; selectinload/joinedload do not)."
        )
        assert rows[title] == (), (
            f"feed(session) gave {title!r} the comments {rows[title]!r}; expected none."
        )


def test_feed_empty(kata, tables, session):
    """feed on a database without posts returns an empty list."""
    got = kata.feed(session)
    assert list(got) == [], f"feed(session) with no posts returned {got!r}; expected []."


@pytest.mark.compare_sql
def test_feed_statement_budget(kata, seeded, session, queries):
    """
    feed sends at most 4 statements for 24 posts: authors, comments and commenters eagerly loaded.
    """
    with queries.budget(4, f"feed(session) over {POST_COUNT} posts"):
        kata.feed(session)


def test_post_detail_contents(kata, seeded, session):
    """post_detail returns the Post with that id, its author and its comments in order."""
    post = kata.post_detail(session, seeded[DETAIL])
    assert isinstance(post, kata.Post) and post.title == DETAIL, (
        f"post_detail(session, {seeded[DETAIL]}) returned {post!r}; expected the Post {DETAIL!r}."
    )
    plan = {title: (author, comments) for _, title, author, comments in _post_plan()}
    author, comments = plan[DETAIL]
    assert post.author.username == author, (
        f"post_detail(...).author.username is {post.author.username!r}; expected {author!r}."
    )
    got = [(comment.body, comment.author.username) for comment in post.comments]
    assert_rows_match(
        got, comments, ordered=True, what=f"post_detail(session, <{DETAIL}>).comments"
    )


def test_post_detail_usable_after_close(kata, seeded, session):
    """
    The post's author, comments and commenters are loaded: still readable once the session closes.
    """
    post = kata.post_detail(session, seeded[DETAIL])
    assert post is not None, (
        f"post_detail(session, {seeded[DETAIL]}) returned None; expected {DETAIL!r}."
    )
    session.close()
    try:
        got = (post.author.username, [(c.body, c.author.username) for c in post.comments])
    except DetachedInstanceError as exc:
        pytest.fail(
            f"After post_detail(session, <{DETAIL}>) and session.close(), reading the post's "
            f"relationships raised DetachedInstanceError: {exc}\nA lazy relationship is loaded on "
            "first touch, and a closed session cannot load anything. Load the author, the comments "
            "and each comment's author before returning: session.get(Post, post_id, options=[...]) "
            "takes the same loader options as a select().",
            pytrace=False,
        )
    author, comments = next((a, c) for _, t, a, c in _post_plan() if t == DETAIL)
    assert got == (author, comments), (
        f"After session.close(), the post's (author, comments) read {got!r}; "
        f"expected {(author, comments)!r}."
    )


@pytest.mark.compare_sql
def test_post_detail_statement_budget(kata, seeded, session, queries):
    """post_detail loads the post, its author, comments and commenters in at most 4 statements."""
    with queries.budget(4, f"post_detail(session, <{DETAIL}>) and reading its comments' authors"):
        post = kata.post_detail(session, seeded[DETAIL])
        [(comment.body, comment.author.username) for comment in post.comments]
        _author = post.author.username  # read it: a lazy load here counts against the budget


def test_post_detail_missing_is_none(kata, seeded, session):
    """post_detail returns None for an id no post has."""
    got = kata.post_detail(session, 99999)
    assert got is None, f"post_detail(session, 99999) returned {got!r}; expected None."


@pytest.mark.compare_sql
def test_strict_posts_load_their_authors(kata, seeded, session, queries):
    """strict_posts returns every post in id order, authors loaded: reading them sends nothing."""
    _no_natural_order(session)
    with queries.budget(2, "strict_posts(session)"):
        posts = kata.strict_posts(session)
    titles = [post.title for post in posts]
    expected = [title for title, _, _ in _in_id_order()]
    assert titles == expected, (
        f"strict_posts(session) returned the posts {titles!r}; expected {expected!r}, in id "
        "order. Without ORDER BY a database returns rows in whatever order it finds them: "
        ".order_by(Post.id)."
    )
    with queries.during() as sent:
        try:
            authors = [post.author.username for post in posts]
        except InvalidRequestError as exc:
            pytest.fail(
                f"Reading post.author on the posts from strict_posts(session) raised "
                f"{type(exc).__name__}: {exc}\nThe author should be loaded with the posts "
                "(joinedload or selectinload on Post.author); only the relationships you did not "
                "name should raise. A named option wins over raiseload('*').",
                pytrace=False,
            )
    assert not sent, (
        "Reading post.author for the posts from strict_posts(session) sent "
        f"{len(sent)} statements, e.g. {sent[0]!r}; expected none: load the authors with the posts."
    )
    assert authors == [author for _, author, _ in _in_id_order()], (
        f"The posts' authors read {authors!r}; expected {[a for _, a, _ in _in_id_order()]!r}."
    )


def test_strict_posts_raise_on_comments(kata, seeded, session, queries):
    """Touching post.comments on a strict post raises instead of quietly sending a query."""
    posts = kata.strict_posts(session)
    assert posts, "strict_posts(session) returned no posts; expected all 24."
    post = next(p for p in posts if p.title == DETAIL)
    raised = None
    with queries.during() as sent:
        try:
            comments = list(post.comments)
        except InvalidRequestError as exc:
            raised = exc
    if raised is None:
        lazy = f"it sent {sent[0]!r} to load them" if sent else "no error was raised"
        pytest.fail(
            f"post.comments on a post from strict_posts(session) returned {comments!r:.200}, and "
            f"{lazy}. Expected an error: strict_posts should load the author and raiseload() every "
            "other relationship, so that code touching something nobody loaded fails in the "
            "tests instead of running one query per post in production.",
            pytrace=False,
        )
    assert not sent, (
        f"post.comments sent {sent!r} before raising; expected it to raise without SQL."
    )
