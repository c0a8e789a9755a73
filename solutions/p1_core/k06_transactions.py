"""Kata 1.6 — Sessions and transactions: all of it or none of it.

A Session is a unit of work. It borrows a connection from the engine's pool, opens a
transaction, collects your changes (new objects, changed attributes) and sends them when it
flushes. Nothing is permanent until the transaction commits; if anything goes wrong before that,
a rollback puts the database back exactly as it was. The idiom that does both for you:

    with Session(engine) as session, session.begin():
        ...   # commits when the block ends, rolls back if it raises; then the session closes

A failed flush (a UNIQUE violation, say) leaves the session's transaction unusable: until you
roll it back, every further use raises PendingRollbackError. To survive one failed row without
losing the others, put each row in a SAVEPOINT: `with session.begin_nested():` rolls back just
that part when it raises, and the outer transaction carries on.

The `User` model below is given: `username` is UNIQUE and `karma` is a whole number.

Build:
1. `create_user(engine, username, karma=0)` — add a User in its own transaction, committed when
   the function returns, and return its new id. A taken username makes the database raise
   IntegrityError: let it propagate (the transaction is rolled back, the session closed); the
   caller decides what that means.
2. `transfer_karma(engine, from_user_id, to_user_id, points)` — move `points` of karma from one
   user to another, atomically: both changes are committed together in ONE transaction, or
   neither is. Raise LookupError if either user does not exist and ValueError if the giver has
   fewer than `points`; in both cases the database must be left unchanged. (A giver may give
   away everything they have.)
3. `register_all(engine, usernames)` — create a user for each name, skipping names that are
   taken (already in the table, or earlier in the same list), and return the names actually
   created, in order. One bad name must not lose the others: give each insert its own
   savepoint (`session.begin_nested()`) or its own transaction, and catch IntegrityError only.

Run it: `checker kata 1.6`. The lesson: phases/p1_core/README.md, "Sessions and transactions".
"""

from sqlalchemy import Engine, String
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    karma: Mapped[int] = mapped_column(default=0)


def create_user(engine: Engine, username: str, karma: int = 0) -> int:
    """Insert a User in one committed transaction and return its id."""
    # BEGIN SOLUTION in `with Session(engine) as session, session.begin():` add, flush, return id
    with Session(engine) as session, session.begin():
        user = User(username=username, karma=karma)
        session.add(user)
        session.flush()  # sends the INSERT now, so the database assigns the id
        return user.id
    # END SOLUTION


def transfer_karma(engine: Engine, from_user_id: int, to_user_id: int, points: int) -> None:
    """Move `points` karma between two users in one transaction, or change nothing."""
    # BEGIN SOLUTION load both users, check everything, then change both in the same transaction
    with Session(engine) as session, session.begin():
        giver = session.get(User, from_user_id)
        receiver = session.get(User, to_user_id)
        if giver is None or receiver is None:
            raise LookupError(f"no user with id {from_user_id if giver is None else to_user_id}")
        if giver.karma < points:
            raise ValueError(f"{giver.username} has {giver.karma} karma, cannot give {points}")
        giver.karma -= points
        receiver.karma += points
    # END SOLUTION


def register_all(engine: Engine, usernames: list[str]) -> list[str]:
    """Create a user per name, skipping taken names; the names created, in order."""
    # BEGIN SOLUTION one outer transaction, a savepoint per name; on IntegrityError skip the name
    created: list[str] = []
    with Session(engine) as session, session.begin():
        for name in usernames:
            try:
                with session.begin_nested():  # SAVEPOINT; rolled back to if the block raises
                    session.add(User(username=name))
            except IntegrityError:
                continue  # the savepoint was rolled back; the outer transaction is fine
            created.append(name)
    return created
    # END SOLUTION
