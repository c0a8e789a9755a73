"""The shapes of the JSON the API reads and writes (Pydantic models, not the ORM model)."""

from pydantic import BaseModel, ConfigDict, Field


class PostIn(BaseModel):
    """POST /posts and PUT /posts/{id}: a whole post. Fields left out take these defaults."""

    title: str = Field(min_length=1, max_length=200)
    body: str
    summary: str | None = Field(default=None, max_length=300)
    published: bool = False


class PostUpdate(BaseModel):
    """PATCH /posts/{id}: any of PostIn's fields, with the same limits, none of them required.

    The route changes only the fields the client sent: `model_dump(exclude_unset=True)`. A field
    sent as null is sent (`{"summary": null}` clears the summary); a field left out is not.
    """

    # TODO: PostIn's four fields, each optional (default None) and with PostIn's limits
    pass  # no fields yet: every field a PATCH sends is ignored


class PostOut(BaseModel):
    """A post as the API answers it: `PostOut.model_validate(post)` reads a Post's attributes."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    summary: str | None
    published: bool
