"""The dependencies: a session per request (given, kata 5.2's) and the current user."""

from collections.abc import AsyncIterator
from typing import Annotated

import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from .db import User
from .security import decode_access_token


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Given: a session of this request's own, closed once the request is done."""
    async with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]

# Given: reads "Authorization: Bearer <token>"; without one it answers 401 itself. tokenUrl is
# where /docs sends the login form.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: SessionDep
) -> User:
    """The user the token names; 401 with `WWW-Authenticate: Bearer` for any token this app
    would not have issued, or whose user no longer exists."""
    # TODO: decode_access_token (jwt.InvalidTokenError: 401), the user int(claims["sub"]) names (None: 401); each 401 with headers={"WWW-Authenticate": "Bearer"}
    raise NotImplementedError('decode_access_token (jwt.InvalidTokenError: 401), the user int(claims["sub"]) names (None: 401); each 401 with headers={"WWW-Authenticate": "Bearer"}')


CurrentUser = Annotated[User, Depends(get_current_user)]
