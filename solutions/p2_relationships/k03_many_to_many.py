"""Kata 2.3 — Many-to-many: tagging posts.

A post has many tags and a tag is on many posts. Neither table can hold the link (a column holds
one value), so a third table does: an **association table** with one row per (post, tag) pair,
two foreign keys and nothing else. Its primary key is the pair itself, so the database refuses
the same pair twice.

The association table is a plain Core `Table`, not a mapped class: you never work with its rows
directly. Each side gets a list relationship that goes *through* it with `secondary=`:

    student_course = Table(
        "student_course", Base.metadata,
        Column("student_id", ForeignKey("student.id"), primary_key=True),
        Column("course_id", ForeignKey("course.id"), primary_key=True),
    )
    # on Student:
    courses: Mapped[list["Course"]] = relationship(
        secondary=student_course, back_populates="students"
    )

SQLAlchemy then writes the association rows for you: appending a tag to `post.tags` inserts a
(post_id, tag_id) row at the flush, removing it deletes that row, and neither touches the tag
itself. With `back_populates` on both sides, `post.tags.append(tag)` also puts the post into
`tag.posts` in memory.

Build:
1. `post_tag` — the association Table named "post_tag" in `Base.metadata`: a `post_id` column
   (foreign key to post.id) and a `tag_id` column (foreign key to tag.id), which together form
   the primary key.
2. `Post.tags` and `Tag.posts` — list relationships through `post_tag` (`secondary=`), linked to
   each other with back_populates.
3. `tag_post(session, post, *names)` — tag the post with each name. Tag names are unique: reuse
   the Tag row when one with that name exists (look it up), create it otherwise. Never put the
   same tag on a post twice, even when it is already there or a name repeats. Do not commit.
4. `untag_post(session, post, name)` — take the tag called `name` off the post (if it has it).
   The Tag stays: other posts may use it. Do not commit.
5. `posts_tagged(session, name)` — the titles of the posts that carry the tag `name`,
   alphabetically; an empty list when no post has it or there is no such tag.

Run it: `checker kata 2.3`. The lesson: phases/p2_relationships/README.md, "Many-to-many".
"""

from sqlalchemy import Column, ForeignKey, String, Table, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


# BEGIN SOLUTION define post_tag: Table("post_tag", Base.metadata, ...) with post_id and tag_id, each a ForeignKey, together the primary key
# STUB: post_tag = None  # replace with the association Table
post_tag = Table(
    "post_tag",
    Base.metadata,
    Column("post_id", ForeignKey("post.id"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id"), primary_key=True),
)
# END SOLUTION


class Post(Base):
    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    # BEGIN SOLUTION add `tags`: a list of Tag through post_tag (secondary=), linked to Tag.posts
    # STUB: title: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    tags: Mapped[list["Tag"]] = relationship(secondary=post_tag, back_populates="posts")
    # END SOLUTION


class Tag(Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    # BEGIN SOLUTION add `posts`: a list of Post through post_tag (secondary=), linked to Post.tags
    # STUB: name: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)
    posts: Mapped[list["Post"]] = relationship(secondary=post_tag, back_populates="tags")
    # END SOLUTION


def tag_post(session: Session, post: Post, *names: str) -> None:
    """Tag `post` with each of `names`, reusing existing Tags; never the same tag twice."""
    # BEGIN SOLUTION per name: look the Tag up by name, create it if missing, append it unless post.tags has it
    for name in names:
        tag = session.scalars(select(Tag).where(Tag.name == name)).one_or_none()
        if tag is None:
            tag = Tag(name=name)
            session.add(tag)
        if tag not in post.tags:
            post.tags.append(tag)
    # END SOLUTION


def untag_post(session: Session, post: Post, name: str) -> None:
    """Take the tag called `name` off `post`; the Tag itself stays."""
    # BEGIN SOLUTION remove the matching Tag from post.tags (the association row goes, the tag stays)
    for tag in list(post.tags):
        if tag.name == name:
            post.tags.remove(tag)
    # END SOLUTION


def posts_tagged(session: Session, name: str) -> list[str]:
    """Titles of the posts tagged `name`, alphabetically; [] when there are none."""
    # BEGIN SOLUTION select Post.title joined through Post.tags, where Tag.name == name, ordered by title
    stmt = select(Post.title).join(Post.tags).where(Tag.name == name).order_by(Post.title)
    return list(session.scalars(stmt))
    # END SOLUTION
