"""The time zones every check runs under, chosen so that time-zone mistakes show.

A machine on UTC hides them: `datetime.now()` and `datetime.now(UTC)` agree, a naive value read
back looks right, and "local" means UTC. So the grader's process runs in a local zone that is not
UTC and whose offset is not a whole number of hours (St John's, Newfoundland: -03:30, -02:30 in
summer), and each Postgres check's session runs in another such zone (Kathmandu: +05:45). Code
that mixes naive and aware values, local and UTC time, or relies on the server's zone gets a
value that is off by hours and minutes, not a coincidence that passes.
"""

from __future__ import annotations

import os
import time

LOCAL_ZONE = "America/St_Johns"
DATABASE_ZONE = "Asia/Kathmandu"


def use_local_zone() -> None:
    """Make this process's local time LOCAL_ZONE (the grader's child calls this at start-up)."""
    os.environ["TZ"] = LOCAL_ZONE
    if hasattr(time, "tzset"):  # not on Windows, where the zone stays the machine's
        time.tzset()
