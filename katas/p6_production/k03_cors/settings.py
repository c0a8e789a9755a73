"""Where the app's allowed origins come from: the environment, or the frontend's two defaults.

An origin is a scheme, a host and a port, exactly as a browser sends it in the `Origin` header:
`https://blog.example`, `http://localhost:5173` — no path, so no trailing slash. The list is
configuration, not code: production, staging and a developer's laptop each serve the frontend
from somewhere else, so the deployment says where through `ALLOWED_ORIGINS`.
"""

import os

# TODO: the frontend's two origins: https://blog.example and http://localhost:5173
DEFAULT_ORIGINS: tuple[str, ...] = ()


def allowed_origins() -> list[str]:
    """The origins in $ALLOWED_ORIGINS (comma-separated), or DEFAULT_ORIGINS when it is unset or
    blank. Spaces around each origin and a trailing "/" are dropped, empty items skipped; "*" is
    refused with a ValueError, since the app sends cookies (allow_credentials=True)."""
    # TODO: split $ALLOWED_ORIGINS on commas (strip spaces and a trailing "/"), refuse "*"; DEFAULT_ORIGINS when unset
    raise NotImplementedError('split $ALLOWED_ORIGINS on commas (strip spaces and a trailing "/"), refuse "*"; DEFAULT_ORIGINS when unset')
