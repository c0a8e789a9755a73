"""Kata 1.8 — Object states: transient, pending, persistent, deleted, detached.

Every ORM object is in one of five states, and the state decides what touching it does:

- transient:  made with `User(...)`, never added to a session, no row in the database.
- pending:    `session.add(user)` was called, but the INSERT has not been flushed yet.
- persistent: in a session and backed by a row (after a flush, or loaded by a query/get).
- deleted:    `session.delete(user)` was flushed; the DELETE is sent but not yet committed.
              (Before the flush the object is still persistent; after the commit it is detached.)
- detached:   backed by a row once, but no longer in any session (session closed, object
              expunged, or deleted and committed).

`sqlalchemy.inspect(obj)` returns the object's InstanceState, which answers "which state?" with
the flags `.transient`, `.pending`, `.persistent`, `.deleted` and `.detached`, and keeps each
attribute's unflushed change history in `.attrs[name].history`.

Detached objects are where most surprises live. A commit expires every object in the session
(`expire_on_commit=True` is the default), so their attributes reload from the database on next
access. If the session is closed by then, there is nothing to reload from and reading
`user.username` raises DetachedInstanceError.

Build:
1. `state_of(obj)` — return the state of any mapped object as one of the strings "transient",
   "pending", "persistent", "deleted" or "detached", using `sqlalchemy.inspect(obj)`. Do not
   guess from the primary key: a pending object may already have an id you assigned yourself.
2. `load_detached_user(engine, user_id)` — open a session on `engine`, load the User with that
   id (or None if there is none), close the session, and return the User. Its attributes must
   still be readable after the session is gone: the caller will read `user.username`.
3. `was_changed(obj, attribute)` — True when the attribute named `attribute` holds a change that
   has not been flushed yet, using the attribute's history. Setting an attribute to the value it
   already has is not a change, and changing a different attribute does not count.

Run it: `checker kata 1.8`. The lesson: phases/p1_core/README.md, "Object states".
"""

from sqlalchemy import Engine, String, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120), default="")


def state_of(obj: object) -> str:
    """'transient', 'pending', 'persistent', 'deleted' or 'detached', read from inspect(obj)."""
    # BEGIN SOLUTION ask inspect(obj) which of its five state flags is set
    state = inspect(obj)
    if state.transient:
        return "transient"
    if state.pending:
        return "pending"
    if state.persistent:
        return "persistent"
    if state.deleted:
        return "deleted"
    return "detached"
    # END SOLUTION


def load_detached_user(engine: Engine, user_id: int) -> User | None:
    """The User with `user_id` (or None), loaded in a session that is closed before returning."""
    # BEGIN SOLUTION load it in a `with Session(...)` block so that its attributes are not expired when it ends
    with Session(engine, expire_on_commit=False) as session, session.begin():
        user = session.get(User, user_id)
    return user
    # END SOLUTION


def was_changed(obj: object, attribute: str) -> bool:
    """True when `attribute` of `obj` has a change that is not flushed yet."""
    # BEGIN SOLUTION read inspect(obj).attrs[attribute].history
    return inspect(obj).attrs[attribute].history.has_changes()
    # END SOLUTION
