"""The schemas, given: what the API accepts and answers. Nothing to write here.

No response schema has a field for a password or its hash, so neither can leave through one.
"""

from pydantic import BaseModel, ConfigDict, Field


class UserCreate(BaseModel):
    """What POST /auth/register accepts (JSON): a username and a password, in plain text."""

    username: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=8, max_length=200)


class UserRead(BaseModel):
    """What the API shows of a user: id and username. No password, no hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class Token(BaseModel):
    """What POST /auth/token answers, as OAuth2 says: the token, and its type."""

    access_token: str
    token_type: str = "bearer"


class PostCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = ""


class PostUpdate(BaseModel):
    """What PATCH /posts/{id} accepts: the fields to change, each optional."""

    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = None


class PostRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    author_id: int
    title: str
    body: str
