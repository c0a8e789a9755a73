"""Checks for kata 2.3 — many-to-many."""

from contextlib import contextmanager

import pytest
from sqlalchemy import Table, create_engine, insert, select
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship, no_commit
from checker.plugin.compare import assert_rows_match
from checker.plugin.schema import Col, assert_table

# Inserted in this order, so that ids (and the database's natural order) are not alphabetical.
POSTS = ["Zen of SQL", "Async tips", "Cooking rice", "ORM basics"]
# Near misses come first: sqlalchemy contains sql, py is a prefix of python, and LIKE's _ in
# "data_science" matches the dash of data-science; so a tag found by anything but equality is
# the wrong one. food is on no post.
TAGS = ["sqlalchemy", "sql", "py", "python", "data-science", "food"]
LINKS = [
    ("Zen of SQL", "sql"),
    ("Zen of SQL", "python"),
    ("Zen of SQL", "sqlalchemy"),
    ("Async tips", "python"),
    ("ORM basics", "sqlalchemy"),
    ("ORM basics", "data-science"),
    ("ORM basics", "py"),
]


def _association_table(kata) -> Table:
    table = kata.post_tag
    if not isinstance(table, Table):
        pytest.fail(
            f"post_tag is {table!r}; expected the association Table: Table('post_tag', "
            "Base.metadata, Column('post_id', ...), Column('tag_id', ...)), each column a foreign "
            "key, the two together the primary key.",
            pytrace=False,
        )
    assert table.name == "post_tag" and kata.Base.metadata.tables.get("post_tag") is table, (
        f"post_tag is the Table {table.name!r}; expected a Table named 'post_tag' in "
        "Base.metadata (pass Base.metadata as its second argument), so that create_all makes it."
    )
    missing = {"post_id", "tag_id"} - set(table.c.keys())
    assert not missing, (
        f"post_tag has the columns {list(table.c.keys())!r}; expected post_id (a foreign key "
        "to post.id) and tag_id (a foreign key to tag.id)."
    )
    return table


def _relationship(kata, owner: str, name: str, target: str, expected: str):
    """The list relationship `owner.name` to `target` through post_tag."""
    rel = find_relationship(
        kata,
        owner,
        name,
        target,
        expected,
        "A many-to-many goes through the association table: relationship(secondary=post_tag, "
        "...), whose columns are foreign keys to post.id and tag.id.",
    )
    assert rel.mapper.class_ is getattr(kata, target) and rel.uselist, (
        f"{owner}.{name} leads to {'a list of ' if rel.uselist else 'one '}"
        f"{rel.mapper.class_.__name__}; "
        f"expected a list of {target}: `{expected}`."
    )
    assert rel.secondary is kata.post_tag, (
        f"{owner}.{name} does not go through post_tag (its secondary is {rel.secondary!r}); "
        f"expected `{expected}`."
    )
    return rel


def _models(kata):
    """(Post, Tag, post_tag) once the association table and both relationships are there."""
    table = _association_table(kata)
    _relationship(
        kata,
        "Post",
        "tags",
        "Tag",
        'tags: Mapped[list["Tag"]] = relationship(secondary=post_tag, back_populates="posts")',
    )
    _relationship(
        kata,
        "Tag",
        "posts",
        "Post",
        'posts: Mapped[list["Post"]] = relationship(secondary=post_tag, back_populates="tags")',
    )
    return kata.Post, kata.Tag, table


def _seed(kata, engine) -> tuple[dict[str, int], dict[str, int]]:
    """Create the tables and commit POSTS, TAGS and LINKS (the links with a Core INSERT into
    post_tag: no relationship involved). Returns ({title: id}, {tag name: id})."""
    Post, Tag, table = _models(kata)
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup:
        posts = {title: Post(title=title) for title in POSTS}
        tags = {name: Tag(name=name) for name in TAGS}
        for obj in [*posts.values(), *tags.values()]:
            setup.add(obj)
            setup.flush()  # one at a time, so ids follow the list order
        post_ids = {title: post.id for title, post in posts.items()}
        tag_ids = {name: tag.id for name, tag in tags.items()}
        setup.execute(
            insert(table), [{"post_id": post_ids[p], "tag_id": tag_ids[t]} for p, t in LINKS]
        )
        setup.commit()
    return post_ids, tag_ids


def _post(session, kata, title):
    return session.scalars(select(kata.Post).where(kata.Post.title == title)).one()


def _stored(db_url, kata) -> tuple[dict[str, int], set[tuple[str, str]]]:
    """({tag name: id}, {(title, tag name)}) as committed, read through a new engine."""
    reader = create_engine(db_url)
    try:
        with reader.connect() as connection:
            post, tag, link = kata.Post.__table__, kata.Tag.__table__, kata.post_tag
            tags = dict(connection.execute(select(tag.c.name, tag.c.id)).all())
            query = (
                select(post.c.title, tag.c.name)
                .join(link, link.c.post_id == post.c.id)
                .join(tag, tag.c.id == link.c.tag_id)
            )
            return tags, {tuple(row) for row in connection.execute(query)}
    finally:
        reader.dispose()


def _links_of(links, title) -> list[str]:
    return sorted(name for t, name in links if t == title)


def _explain_duplicate(exc: IntegrityError, call: str) -> str:
    """A teaching message for an IntegrityError raised while tagging."""
    text = str(exc.orig)
    if "post_tag" in text:
        return (
            f"{call} failed: {text.strip()}. The same (post, tag) pair was inserted twice, and the "
            "primary key refused it: append a tag only when post.tags does not have it yet."
        )
    if "tag.name" in text or "tag_name" in text:
        return (
            f"{call} failed: {text.strip()}. A second Tag with an existing name was inserted, and "
            "the unique name refused it: look each name up (select(Tag).where(Tag.name == name)) "
            "and create a Tag only when there is none."
        )
    return f"{call} failed: {text.strip()}."


@contextmanager
def _tagging(call: str):
    """Turn an IntegrityError raised inside the block into a teaching failure."""
    try:
        yield
    except IntegrityError as exc:
        pytest.fail(_explain_duplicate(exc, call), pytrace=False)


def test_tags_and_posts_go_through_post_tag(kata):
    """Post.tags and Tag.posts are lists through the post_tag table, empty on new objects."""
    Post, Tag, _ = _models(kata)
    tags = Post(title="New").tags
    assert tags == [], f"Post(title='New').tags is {tags!r}; expected an empty list."
    posts = Tag(name="new").posts
    assert posts == [], f"Tag(name='new').posts is {posts!r}; expected an empty list."


def test_post_tag_columns_are_foreign_keys(kata, engine):
    """In the database, post_tag is (post_id -> post.id, tag_id -> tag.id) with the pair as its
    primary key, and post and tag have their columns as given."""
    _models(kata)
    kata.Base.metadata.create_all(engine)
    assert_table(
        engine,
        "post_tag",
        {
            column: Col(
                nullable=False,
                unique=False,
                references=f"{table}.id",
                hint=f'Column("{column}", ForeignKey("{table}.id"), primary_key=True).',
            )
            for column, table in (("post_id", "post"), ("tag_id", "tag"))
        },
        primary_key=["post_id", "tag_id"],
        key_order=False,
        pk_hint="The pair is the key (primary_key=True on both columns): a post carries a tag "
        "at most once, whoever writes the rows.",
    )
    assert_table(
        engine,
        "post",
        {"id": Col(nullable=False), "title": Col(nullable=False)},
        primary_key=["id"],
    )
    assert_table(
        engine,
        "tag",
        {"id": Col(nullable=False), "name": Col(nullable=False, unique=True)},
        primary_key=["id"],
    )


def test_duplicate_pair_is_refused_by_the_database(kata, engine):
    """A second post_tag row for the same (post, tag) pair raises IntegrityError."""
    post_ids, tag_ids = _seed(kata, engine)
    pair = {"post_id": post_ids["Zen of SQL"], "tag_id": tag_ids["sql"]}
    try:
        with engine.begin() as connection:
            connection.execute(insert(kata.post_tag).values(**pair))
    except IntegrityError:
        return
    pytest.fail(
        f"INSERT INTO post_tag {pair} worked although that pair was already there: the post now "
        "carries the tag twice. Expected an IntegrityError. Make the pair the table's primary key "
        "(primary_key=True on both columns), so the database refuses duplicates from any writer.",
        pytrace=False,
    )


def test_appending_updates_the_other_side(kata):
    """post.tags.append(tag) puts the post in tag.posts, and the reverse, in memory."""
    Post, Tag, _ = _models(kata)
    post, tag = Post(title="Zen of SQL"), Tag(name="sql")
    post.tags.append(tag)
    assert tag.posts == [post], (
        f"After post.tags.append(tag), tag.posts is {tag.posts!r}; expected [post], right away. "
        "Post.tags needs back_populates='posts' so that SQLAlchemy updates the other side in "
        "memory."
    )
    other, python = Post(title="Async tips"), Tag(name="python")
    python.posts.append(other)
    assert other.tags == [python], (
        f"After tag.posts.append(post), post.tags is {other.tags!r}; expected [tag], right away. "
        "Tag.posts needs back_populates='tags'."
    )


def test_tag_post_creates_and_links_new_tags(kata, db_url, engine):
    """tag_post with new names creates the Tags and links them, both ways, saved by commit."""
    _seed(kata, engine)
    with Session(engine) as session:
        post = _post(session, kata, "Cooking rice")
        call = "tag_post(session, post, 'rice', 'data_science')"
        with no_commit(session, call), _tagging(call):
            kata.tag_post(session, post, "rice", "data_science")
        names = sorted(tag.name for tag in post.tags)
        assert names == ["data_science", "rice"], (
            f"After tag_post(session, post, 'rice', 'data_science'), post.tags holds {names!r}; "
            f"expected ['data_science', 'rice'], two new tags (the tags were {TAGS!r}). A tag is "
            "reused only when its name is equal (Tag.name == name): LIKE's _ matches any "
            "character, so 'data_science' LIKE finds 'data-science'."
        )
        assert all(post in tag.posts for tag in post.tags), (
            "After tag_post, the new tags' tag.posts do not include the post; link the two sides "
            "with back_populates."
        )
        session.commit()
    tags, links = _stored(db_url, kata)
    assert _links_of(links, "Cooking rice") == ["data_science", "rice"], (
        f"After tag_post(session, post, 'rice', 'data_science') and a commit, the database links "
        f"'Cooking rice' to {_links_of(links, 'Cooking rice')!r}; expected "
        "['data_science', 'rice']."
    )


def test_tag_post_reuses_existing_tags(kata, db_url, engine):
    """tag_post with a name that exists links that Tag row instead of making another."""
    _, tag_ids = _seed(kata, engine)
    with Session(engine) as session:
        post = _post(session, kata, "Cooking rice")
        with _tagging(
            "tag_post(session, post, 'food', 'python', 'sql') for three existing tags, then commit"
        ):
            kata.tag_post(session, post, "food", "python", "sql")
            session.commit()
    tags, links = _stored(db_url, kata)
    assert tags == tag_ids, (
        f"After tag_post(session, post, 'food', 'python', 'sql'), the tag table holds {tags!r}; "
        f"expected it unchanged, {tag_ids!r}: the existing rows are reused."
    )
    assert _links_of(links, "Cooking rice") == ["food", "python", "sql"], (
        f"After tag_post(session, post, 'food', 'python', 'sql') and a commit, the database links "
        f"'Cooking rice' to {_links_of(links, 'Cooking rice')!r}; expected "
        "['food', 'python', 'sql']: each name's own Tag, found by equality (Tag.name == name); "
        "contains() or LIKE would find 'sqlalchemy' for 'sql'."
    )
    assert _links_of(links, "Async tips") == ["python"], (
        f"Tagging 'Cooking rice' changed the tags of 'Async tips' to "
        f"{_links_of(links, 'Async tips')!r}; expected ['python']."
    )


def test_tag_post_never_adds_a_tag_twice(kata, db_url, engine):
    """Names the post already has, and names repeated in one call, are linked once."""
    _seed(kata, engine)
    with Session(engine) as session:
        post = _post(session, kata, "Zen of SQL")  # already tagged sql and python
        with _tagging("tag_post(session, post, 'sql', 'joins', 'joins') on a post tagged sql"):
            kata.tag_post(session, post, "sql", "joins", "joins")
        with _tagging("tag_post(session, post, 'python') on a post tagged python"):
            kata.tag_post(session, post, "python")
        names = [tag.name for tag in post.tags]
        assert sorted(names) == ["joins", "python", "sql", "sqlalchemy"], (
            f"After tag_post(session, post, 'sql', 'joins', 'joins') and tag_post(session, post, "
            f"'python') on a post tagged sql, python and sqlalchemy, post.tags holds "
            f"{sorted(names)!r}; expected ['joins', 'python', 'sql', 'sqlalchemy']: append a tag "
            "only when post.tags does not have it."
        )
        with _tagging("Committing the tags"):
            session.commit()
    tags, links = _stored(db_url, kata)
    assert _links_of(links, "Zen of SQL") == ["joins", "python", "sql", "sqlalchemy"], (
        f"The database links 'Zen of SQL' to {_links_of(links, 'Zen of SQL')!r}; expected "
        "['joins', 'python', 'sql', 'sqlalchemy']."
    )
    assert sorted(tags) == sorted([*TAGS, "joins"]), (
        f"The tag table holds {sorted(tags)!r}; expected one new tag, 'joins', beside "
        f"{sorted(TAGS)!r}."
    )


def test_untag_post_removes_the_link_not_the_tag(kata, db_url, engine):
    """untag_post takes the tag off post.tags (in memory too) and deletes the post_tag row; the
    Tag, the post's other tags and other posts' links stay; a second call does nothing; no
    commit."""
    _, tag_ids = _seed(kata, engine)
    with Session(engine) as session:
        post = _post(session, kata, "Zen of SQL")
        shown = sorted(tag.name for tag in post.tags)  # the caller has looked at the tags
        call = "untag_post(session, post, 'sql')"
        with no_commit(session, call):
            kata.untag_post(session, post, "sql")
            kata.untag_post(session, post, "sql")  # already off: nothing to do
            kata.untag_post(session, post, "food")  # a tag the post does not have: nothing to do
        names = sorted(tag.name for tag in post.tags)
        assert names == ["python", "sqlalchemy"], (
            f"post.tags held {shown!r}; after {call} (twice) and untag_post(session, post, "
            f"'food'), post.tags holds {names!r} in the session; expected ['python', "
            "'sqlalchemy']. Take the tag off the collection (post.tags.remove(tag)): the "
            "session then deletes the post_tag row and the post's loaded tags stay right. Only "
            "the tag named exactly 'sql' goes, not 'sqlalchemy'."
        )
        session.commit()
    tags, links = _stored(db_url, kata)
    assert _links_of(links, "Zen of SQL") == ["python", "sqlalchemy"], (
        f"After {call} and a commit, the database links 'Zen of SQL' to "
        f"{_links_of(links, 'Zen of SQL')!r}; expected ['python', 'sqlalchemy']."
    )
    assert tags == tag_ids and _links_of(links, "ORM basics") == [
        "data-science",
        "py",
        "sqlalchemy",
    ], (
        f"After {call}, the tag table holds {tags!r} and 'ORM basics' is tagged "
        f"{_links_of(links, 'ORM basics')!r}; expected the tags untouched and 'ORM basics' still "
        "tagged data-science, py and sqlalchemy. Remove the tag from post.tags; don't delete the "
        "Tag."
    )


@pytest.mark.parametrize(
    "name, expected",
    [("python", ["Async tips", "Zen of SQL"]), ("sql", ["Zen of SQL"]), ("py", ["ORM basics"])],
    ids=["python", "sql", "py"],
)
def test_posts_tagged(kata, engine, name, expected):
    """posts_tagged returns the titles of the posts with exactly that tag, as strings,
    alphabetically."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = kata.posts_tagged(session, name)
    assert isinstance(got, list) and all(isinstance(title, str) for title in got), (
        f"posts_tagged(session, {name!r}) returned {got!r}; expected a list of str."
    )
    assert_rows_match(got, expected, ordered=True, what=f"posts_tagged(session, {name!r})")


def test_posts_tagged_without_posts(kata, engine):
    """posts_tagged is [] for a tag no post has and for a name that is no tag."""
    _seed(kata, engine)
    with Session(engine) as session:
        for name in ("food", "nope", "data_science"):
            try:
                got = kata.posts_tagged(session, name)
            except NoResultFound:
                pytest.fail(
                    f"posts_tagged(session, {name!r}) raised NoResultFound; expected []. .one() "
                    "raises when no row matches: use .one_or_none(), or a join that simply "
                    "returns no rows.",
                    pytrace=False,
                )
            assert list(got) == [], (
                f"posts_tagged(session, {name!r}) returned {got!r}; expected [] (the tags are "
                f"{TAGS!r}: compare names with ==, LIKE's _ matches any character)."
            )


def test_deleting_a_post_deletes_its_links(kata, db_url, engine):
    """session.delete(post) removes its post_tag rows; the tags stay."""
    _, tag_ids = _seed(kata, engine)
    with Session(engine) as session:
        session.delete(_post(session, kata, "Zen of SQL"))
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"Deleting a tagged post failed: {exc.orig}. With Post.tags going through "
                "post_tag (secondary=post_tag), SQLAlchemy deletes the post's association rows "
                "first.",
                pytrace=False,
            )
    tags, links = _stored(db_url, kata)
    expected = {(title, name) for title, name in LINKS if title != "Zen of SQL"}
    assert links == expected and tags == tag_ids, (
        f"After deleting 'Zen of SQL', the database has the links {sorted(links)!r} and the tags "
        f"{sorted(tags)!r}; expected {sorted(expected)!r} and all the tags {sorted(TAGS)!r}."
    )


def test_navigation_both_ways_after_reload(kata, engine):
    """In a new session, post.tags and tag.posts are loaded through post_tag."""
    _seed(kata, engine)
    with Session(engine) as session:
        post = _post(session, kata, "Zen of SQL")
        assert_rows_match(
            [tag.name for tag in post.tags],
            ["sql", "python", "sqlalchemy"],
            ordered=False,
            what="[tag.name for tag in post.tags] for 'Zen of SQL'",
        )
        python = session.scalars(select(kata.Tag).where(kata.Tag.name == "python")).one()
        assert_rows_match(
            [p.title for p in python.posts],
            ["Zen of SQL", "Async tips"],
            ordered=False,
            what="[post.title for post in tag.posts] for 'python'",
        )
