"""Checks for kata 2.2 — one-to-one."""

import pytest
from sqlalchemy import create_engine, insert, inspect, select
from sqlalchemy.exc import IntegrityError, NoResultFound
from sqlalchemy.orm import Session

from checker.plugin.assertions import find_relationship, no_commit

USERS = ["ada", "bob"]
PROFILES = {"ada": "Counts things for fun."}  # bob has no profile yet


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
    """The database has profile.user_id as a NOT NULL foreign key to user_account.id."""
    _models(kata)
    kata.Base.metadata.create_all(engine)
    database = inspect(engine)
    keys = [
        (fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
        for fk in database.get_foreign_keys("profile")
    ]
    assert (["user_id"], "user_account", ["id"]) in keys, (
        f"inspect(engine).get_foreign_keys('profile') gives {keys!r}; expected user_id -> "
        "user_account.id: mapped_column(ForeignKey('user_account.id'), unique=True)."
    )
    nullable = {c["name"]: c["nullable"] for c in database.get_columns("profile")}
    assert nullable.get("user_id") is False, (
        "profile.user_id allows NULL; a profile always belongs to a user, so annotate it "
        "Mapped[int] (Mapped[int | None] would make it optional)."
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
    ((before_id, _, _),) = _stored_profiles(db_url, kata)
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
    assert stored == [(before_id, ids["ada"], "Writes programs for engines.")], (
        f"After set_bio(session, ada, 'Writes programs for engines.') and a commit, the profile "
        f"table holds (id, user_id, bio) = {stored!r}; expected ada's profile (id {before_id}) "
        "with the new bio, and no other row: update the profile she has, don't replace it."
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


def test_bio_of(kata, engine):
    """bio_of gives ada's bio, and None for bob (no profile) and for an unknown username."""
    _seed(kata, engine)
    with Session(engine) as session:
        got = kata.bio_of(session, "ada")
        assert got == PROFILES["ada"], (
            f"bio_of(session, 'ada') returned {got!r}; expected {PROFILES['ada']!r}."
        )
        got = kata.bio_of(session, "bob")
        assert got is None, (
            f"bio_of(session, 'bob') returned {got!r}; bob has no profile: expected None."
        )
        try:
            got = kata.bio_of(session, "nobody")
        except NoResultFound:
            pytest.fail(
                "bio_of(session, 'nobody') raised NoResultFound; expected None. .one() raises "
                "when no row matches: use .one_or_none().",
                pytrace=False,
            )
        assert got is None, f"bio_of(session, 'nobody') returned {got!r}; expected None."


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
        profile = session.scalars(select(kata.Profile)).one()
        assert profile.user is ada, (
            f"ada's profile has profile.user = {profile.user!r}; expected ada."
        )
