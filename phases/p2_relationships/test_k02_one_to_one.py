"""Checks for kata 2.2 — one-to-one."""

import pytest
from sqlalchemy import create_engine, insert, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship, no_commit
from checker.plugin.schema import Col, assert_table

# The near misses of "ada" (adam contains it, Ada differs in case) and of "j_doe" (LIKE's _
# matches the dot of j.doe) come first, so a lookup that is not an exact match finds the wrong
# user (or several); o'hara has a quote in her name. bob has no profile yet.
USERS = ["adam", "Ada", "j.doe", "ada", "bob", "j_doe", "o'hara"]
PROFILES = {
    "adam": "Flies kites.",
    "Ada": "Not the other one.",
    "j.doe": "Dotted.",
    "ada": "Counts things for fun.",
    "j_doe": "Underscored.",
    "o'hara": "Quotes 'everything'.",
}


def _relationship(kata, owner: str, name: str, target: str, expected: str):
    """The relationship `owner.name`, after checking it exists, points at `target` and holds a
    single object (not a list)."""
    rel = find_relationship(
        kata,
        owner,
        name,
        target,
        expected,
        "relationship() finds the join through a ForeignKey: Profile.user_id needs "
        "mapped_column(ForeignKey('user_account.id'), ...).",
    )
    assert not rel.uselist, (
        f"{owner}.{name} is a list (a one-to-many); expected a single {target} or None: "
        f"`{expected}`. The annotation decides: Mapped[list[...]] is a collection, "
        "Mapped['Profile | None'] one object or None."
    )
    return rel


def _models(kata):
    """(User, Profile) once both sides of the relationship and the foreign key are there."""
    _relationship(
        kata,
        "User",
        "profile",
        "Profile",
        'profile: Mapped["Profile | None"] = relationship(back_populates="user")',
    )
    _relationship(
        kata,
        "Profile",
        "user",
        "User",
        'user: Mapped["User"] = relationship(back_populates="profile")',
    )
    columns = kata.Profile.__table__.c
    assert "user_id" in columns, (
        f"The profile table has the columns {list(columns.keys())!r}; expected a user_id column: "
        "user_id: Mapped[int] = mapped_column(ForeignKey('user_account.id'), unique=True)."
    )
    return kata.User, kata.Profile


def _seed(kata, engine) -> dict[str, int]:
    """Create the tables and commit USERS and PROFILES, linked by user_id only (no relationship
    involved). Returns {username: id}."""
    User, Profile = _models(kata)
    kata.Base.metadata.create_all(engine)
    with Session(engine) as setup:
        users = {name: User(username=name) for name in USERS}
        setup.add_all(users.values())
        setup.flush()
        setup.add_all(Profile(bio=bio, user_id=users[name].id) for name, bio in PROFILES.items())
        ids = {name: user.id for name, user in users.items()}
        setup.commit()
    return ids


def _user(session, kata, name):
    return session.scalars(select(kata.User).where(kata.User.username == name)).one()


def _stored_profiles(db_url, kata) -> list[tuple]:
    """(id, user_id, bio) of every committed profile, read through a new engine."""
    reader = create_engine(db_url)
    try:
        with reader.connect() as connection:
            table = kata.Profile.__table__
            query = select(table.c.id, table.c.user_id, table.c.bio).order_by(table.c.id)
            return [tuple(row) for row in connection.execute(query)]
    finally:
        reader.dispose()


def test_profile_is_one_object_or_none(kata):
    """User.profile and Profile.user each hold one object; a new user's profile is None."""
    User, Profile = _models(kata)
    profile = User(username="ada").profile
    assert profile is None, (
        f"User(username='ada').profile is {profile!r}; expected None (no profile yet), not an "
        "empty list."
    )
    user = Profile(bio="hi").user
    assert user is None, f"Profile(bio='hi').user is {user!r}; expected None (no user yet)."


def test_user_id_is_a_required_foreign_key(kata, engine):
    """The database has profile.user_id as a NOT NULL, UNIQUE foreign key to user_account.id,
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
        "profile",
        {
            "id": Col(nullable=False),
            "bio": Col(nullable=False),
            "user_id": Col(
                nullable=False,
                unique=True,
                references="user_account.id",
                hint="A profile always belongs to one user, and a user has at most one: "
                'user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), '
                "unique=True).",
            ),
        },
        primary_key=["id"],
        pk_hint="Keep id as the primary key; user_id is a unique foreign key beside it.",
    )


def test_second_profile_for_a_user_is_refused(kata, engine):
    """The database refuses a second profile row for the same user (user_id is UNIQUE)."""
    ids = _seed(kata, engine)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(kata.Profile.__table__).values(user_id=ids["ada"], bio="Another me")
            )
    except IntegrityError:
        return
    pytest.fail(
        "INSERT INTO profile (user_id, bio) for ada, who already has a profile, worked: she now "
        "has two. Expected an IntegrityError. A one-to-one is a one-to-many capped at one by a "
        "UNIQUE foreign key: mapped_column(ForeignKey('user_account.id'), unique=True).",
        pytrace=False,
    )


def test_setting_profile_sets_user(kata):
    """user.profile = profile sets profile.user at once, in memory, before any flush."""
    User, Profile = _models(kata)
    ada, profile = User(username="ada"), Profile(bio="hi")
    ada.profile = profile
    assert profile.user is ada, (
        f"After ada.profile = profile, profile.user is {profile.user!r}; expected ada, right "
        "away. User.profile needs back_populates='user' so that SQLAlchemy updates the other "
        "side in memory."
    )


def test_setting_user_sets_profile(kata):
    """profile.user = user sets user.profile at once, in memory, before any flush."""
    User, Profile = _models(kata)
    ada, profile = User(username="ada"), Profile(bio="hi")
    profile.user = ada
    assert ada.profile is profile, (
        f"After profile.user = ada, ada.profile is {ada.profile!r}; expected the profile, right "
        "away. Profile.user needs back_populates='profile'."
    )


def test_new_profile_unlinks_the_old_one(kata):
    """Giving a user a second Profile object unlinks the first one (old.user becomes None)."""
    User, Profile = _models(kata)
    ada, first, second = User(username="ada"), Profile(bio="first"), Profile(bio="second")
    ada.profile = first
    ada.profile = second
    assert ada.profile is second and second.user is ada, (
        f"After ada.profile = first, then ada.profile = second: ada.profile is {ada.profile!r} "
        f"and second.user is {second.user!r}; expected the second profile, linked to ada."
    )
    assert first.user is None, (
        f"After ada.profile = first, then ada.profile = second, first.user is {first.user!r}; "
        "expected None: a user has one profile, so the one replaced no longer points at her. "
        "back_populates on both sides does that for you."
    )


def test_set_bio_creates_a_profile(kata, db_url, engine):
    """set_bio for a user without a profile creates one, linked both ways, saved by commit."""
    ids = _seed(kata, engine)
    with Session(engine) as session:
        bob = _user(session, kata, "bob")
        with no_commit(session, "set_bio(session, bob, 'Rides bicycles.')"):
            profile = kata.set_bio(session, bob, "Rides bicycles.")
        assert isinstance(profile, kata.Profile) and profile.bio == "Rides bicycles.", (
            f"set_bio(session, bob, 'Rides bicycles.') returned {profile!r}; expected bob's new "
            "Profile with that bio."
        )
        assert bob.profile is profile and profile.user is bob, (
            f"After set_bio(session, bob, ...), bob.profile is {bob.profile!r} and profile.user is "
            f"{profile.user!r}; expected them linked both ways. Assign bob.profile = Profile(...)."
        )
        session.commit()
    stored = [(user_id, bio) for _, user_id, bio in _stored_profiles(db_url, kata)]
    assert (ids["bob"], "Rides bicycles.") in stored, (
        f"After set_bio(session, bob, 'Rides bicycles.') and a commit, the profile table holds "
        f"(user_id, bio) = {stored!r}; expected a row for bob (id {ids['bob']}). Is the new "
        "profile in the session? Assigning it to bob.profile puts it there."
    )


def test_set_bio_updates_the_existing_profile(kata, db_url, engine):
    """set_bio for a user with a profile changes that profile's bio: same row, no new profile."""
    ids = _seed(kata, engine)
    before = _stored_profiles(db_url, kata)
    (before_id,) = [id_ for id_, user_id, _ in before if user_id == ids["ada"]]
    with Session(engine) as session:
        ada = _user(session, kata, "ada")
        with no_commit(session, "set_bio(session, ada, 'Writes programs for engines.')"):
            profile = kata.set_bio(session, ada, "Writes programs for engines.")
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"After set_bio(session, ada, ...) for ada, who has a profile, the commit failed: "
                f"{exc.orig}. set_bio made a second Profile, so SQLAlchemy tried to unlink the old "
                "one (UPDATE profile SET user_id=NULL), which NOT NULL refuses. Change the bio of "
                "the profile she has: user.profile.bio = bio.",
                pytrace=False,
            )
        assert isinstance(profile, kata.Profile), (
            f"set_bio returned {profile!r}; expected ada's Profile."
        )
    stored = _stored_profiles(db_url, kata)
    expected = [
        (id_, user_id, "Writes programs for engines." if id_ == before_id else bio)
        for id_, user_id, bio in before
    ]
    assert stored == expected, (
        f"After set_bio(session, ada, 'Writes programs for engines.') and a commit, the profile "
        f"table holds (id, user_id, bio) = {stored!r}; expected {expected!r}: ada's profile "
        f"(id {before_id}) with the new bio, and no other row changed or added: update the "
        "profile she has, don't replace it."
    )


def test_set_bio_twice_keeps_one_profile(kata, db_url, engine):
    """set_bio called twice (for a user without a profile, then with one) leaves one profile
    with the last bio, and every other user's profile as it was."""
    ids = _seed(kata, engine)
    before = {(user_id, bio) for _, user_id, bio in _stored_profiles(db_url, kata)}
    with Session(engine) as session:
        bob, ada = _user(session, kata, "bob"), _user(session, kata, "ada")
        first = kata.set_bio(session, bob, "Rides bicycles.")
        kata.set_bio(session, ada, "Counts engines.")
        second = kata.set_bio(session, bob, "Rides tandems.")
        assert second is first and bob.profile is first, (
            f"set_bio(session, bob, 'Rides bicycles.') returned {first!r}, a second call "
            f"set_bio(session, bob, 'Rides tandems.') {second!r}, and bob.profile is "
            f"{bob.profile!r}; expected the same Profile each time: once bob has a profile "
            "(even one not flushed yet), set_bio changes its bio."
        )
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"After set_bio(session, bob, ...) twice, the commit failed: {exc.orig}. The "
                "second call made another Profile instead of changing the bio of the one bob "
                "got from the first.",
                pytrace=False,
            )
    stored = {(user_id, bio) for _, user_id, bio in _stored_profiles(db_url, kata)}
    expected = (before - {(ids["ada"], PROFILES["ada"])}) | {
        (ids["ada"], "Counts engines."),
        (ids["bob"], "Rides tandems."),
    }
    assert stored == expected, (
        f"After set_bio for bob twice (with ada's bio changed in between) and a commit, the "
        f"profile table holds (user_id, bio) = {sorted(stored)!r}; expected {sorted(expected)!r}: "
        "one profile for bob with his last bio, ada's with her new one, the others untouched."
    )


def test_set_bio_for_a_user_not_yet_flushed(kata, db_url, engine):
    """set_bio works for a brand-new user: the flush fills in profile.user_id."""
    _seed(kata, engine)
    with Session(engine) as session:
        cleo = kata.User(username="cleo")
        session.add(cleo)  # pending: no INSERT yet, so cleo.id is None
        kata.set_bio(session, cleo, "New here.")
        try:
            session.commit()
        except IntegrityError as exc:
            pytest.fail(
                f"set_bio(session, cleo, 'New here.') for a user not yet flushed failed at commit: "
                f"{exc.orig}. cleo.id is None until the flush: link the profile through the "
                "relationship (cleo.profile = Profile(...)) and the flush fills in user_id.",
                pytrace=False,
            )
        cleo_id = cleo.id
    stored = [(user_id, bio) for _, user_id, bio in _stored_profiles(db_url, kata)]
    assert (cleo_id, "New here.") in stored, (
        f"After set_bio(session, cleo, 'New here.') and a commit, the profile table holds "
        f"(user_id, bio) = {stored!r}; expected a row for cleo (id {cleo_id})."
    )


def _bio_of(kata, session, username):
    """kata.bio_of(session, username), or a teaching failure when the lookup is not exact."""
    try:
        return kata.bio_of(session, username)
    except MultipleResultsFound:
        pytest.fail(
            f"bio_of(session, {username!r}) raised MultipleResultsFound: the user lookup matched "
            f"several of the users {USERS!r}. Only one has exactly that name (if any): compare "
            "with User.username == username (LIKE, contains(), startswith() and "
            "case-insensitive matches also find near misses).",
            pytrace=False,
        )
    except NoResultFound:
        pytest.fail(
            f"bio_of(session, {username!r}) raised NoResultFound; expected None. .one() raises "
            "when no row matches: use .one_or_none().",
            pytrace=False,
        )


@pytest.mark.parametrize("username", ["ada", "j_doe", "o'hara"])
def test_bio_of(kata, engine, username):
    """bio_of gives the bio of the user with exactly that name."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = _bio_of(kata, session, username)
    assert got == PROFILES[username], (
        f"bio_of(session, {username!r}) returned {got!r}; expected {PROFILES[username]!r}. "
        f"The users are {USERS!r}: find exactly {username!r} (User.username == username)."
    )


def test_bio_of_without_a_profile(kata, engine):
    """bio_of is None for bob (no profile) and for usernames nobody has."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = _bio_of(kata, session, "bob")
        assert got is None, (
            f"bio_of(session, 'bob') returned {got!r}; bob has no profile: expected None."
        )
        for nobody in ("nobody", "ad"):
            got = _bio_of(kata, session, nobody)
            assert got is None, (
                f"bio_of(session, {nobody!r}) returned {got!r}; expected None: nobody has that "
                f"username (the users are {USERS!r})."
            )


def test_navigation_both_ways_after_reload(kata, engine):
    """In a new session, user.profile and profile.user are loaded from the foreign key."""
    _seed(kata, engine)
    with Session(engine) as session:
        ada, bob = _user(session, kata, "ada"), _user(session, kata, "bob")
        assert isinstance(ada.profile, kata.Profile) and ada.profile.bio == PROFILES["ada"], (
            f"ada (who has a profile row) has ada.profile = {ada.profile!r}; expected her Profile."
        )
        assert bob.profile is None, (
            f"bob (no profile row) has bob.profile = {bob.profile!r}; expected None."
        )
        profile = session.scalars(
            select(kata.Profile).where(kata.Profile.bio == PROFILES["ada"])
        ).one()
        assert profile.user is ada, (
            f"ada's profile has profile.user = {profile.user!r}; expected ada."
        )
