"""The schemas: what the API accepts and what it answers, apart from what the database stores.

One Pydantic class per direction and purpose. UserCreate is what a client sends to sign up, the
password in plain text included; UserRead is what the API shows of a user, and has no field for
the password or its hash, so neither can ever reach a response built from it; UserUpdate is what
PATCH accepts, every field optional. Page[T] is one generic class for every paginated list:
Page[UserRead] is a page of users.
"""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class UserCreate(BaseModel):
    """What POST /users accepts: the new user's fields, and their password in plain text."""

    # TODO: username (1 to 50 characters), password (at least 8), display_name (at most 100) and bio (at most 500), both optional (None)
    pass


class UserRead(BaseModel):
    """What the API answers for a user: id, username, display_name, bio. No password, no hash."""

    # TODO: model_config = ConfigDict(from_attributes=True), so it can be read off an ORM User; then the four fields
    pass


class UserUpdate(BaseModel):
    """What PATCH /users/{id} accepts: display_name, bio, password, each optional (None)."""

    # TODO: the three fields, each None by default, with the lengths of UserCreate
    pass


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, how many there are in all, and the next page's cursor."""

    # TODO: items (a list of T), total (an int), next_cursor (an int, or None on the last page)
    pass
