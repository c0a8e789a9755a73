"""Running a learner's code that nobody reviewed, on the instructor's machine.

Interface (callers such as `checker class` rely on it):

- `detect() -> Sandbox`: what this machine offers (bubblewrap on Linux, else nothing), and why not.
- `Sandbox.wrap(argv, *, writable, readable, database_url) -> Prepared`: the command to run
  instead of `argv` (the same command inside the sandbox, or `argv` itself where none is
  available), the environment to give it (never the instructor's: a fresh minimal one), and the
  database URL as seen from inside.

What bubblewrap denies the code (`bwrap`, the sandbox Flatpak uses; no root or daemon needed):
- the network: a network namespace of its own, with only its own loopback. Postgres is reached
  through the server's Unix socket, bound in (`checker.classroom.pg_socket`); SQLite is a file.
- writing: the whole filesystem is bound read-only, but for the `writable` paths; /tmp is a fresh
  tmpfs, the instructor's home folder is hidden under an empty read-only tmpfs (their ~/.ssh,
  ~/.aws, ~/.config/gh are not there to copy into a report), and HOME is a fresh empty folder.
- the instructor's environment: it starts from nothing (`--clearenv`), with PATH, HOME, LANG,
  PYTHONDONTWRITEBYTECODE and the CHECKER_* settings; no token or key reaches it.
- other processes: its own pid, IPC and UTS namespaces, a session of its own (no terminal to push
  keystrokes into), and it dies with its parent.
A Docker fallback was left out: it would need an image with the workbook's Python, and images
cannot be pulled on every grading machine; where there is no bubblewrap, callers say plainly
that the code ran unsandboxed.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from checker.classroom import pg_socket

BUBBLEWRAP = "bubblewrap"
NONE = "none"
HOME_INSIDE = "/tmp/home"  # on the sandbox's own /tmp tmpfs: fresh and empty every run
SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")


@dataclass(frozen=True)
class Prepared:
    argv: list[str]
    env: dict[str, str]
    database_url: str | None


@dataclass(frozen=True)
class Sandbox:
    kind: str  # "bubblewrap" or "none"
    reason: str | None = None  # why there is none, in one sentence for the instructor

    @property
    def available(self) -> bool:
        return self.kind != NONE

    @property
    def summary(self) -> str:
        """One sentence for the instructor, said with every grading of learners' code."""
        if self.available:
            return (
                "Learners' code ran in a bubblewrap sandbox: no network but the database, only "
                "their copy writable, none of your environment."
            )
        return (
            f"Learners' code ran UNSANDBOXED, with your user's rights ({self.reason}) — only "
            "your environment variables were kept from it."
        )

    def wrap(
        self,
        argv: list[str],
        *,
        writable: list[Path],
        readable: list[Path],
        database_url: str | None,
    ) -> Prepared:
        """`argv` to run in the sandbox. Raises CheckerError when the database cannot be reached
        from inside (a Postgres server with no Unix socket on this machine)."""
        if not self.available:
            env = minimal_environment(_fresh_home_outside(), database_url)
            return Prepared(list(argv), env, database_url)
        url, sockets = database_url, []
        if database_url and pg_socket.is_postgres(database_url):
            found = pg_socket.route(database_url)
            url, sockets = found.url, [found.socket]
        writable = [Path(p).resolve() for p in writable]
        command = bubblewrap_argv(
            writable=writable,
            readable=[Path(p).resolve() for p in [*readable, *python_runtime()]],
            sockets=sockets,
            hostname=_hostname(writable),
        )
        env = minimal_environment(HOME_INSIDE, url)
        for name, value in sorted(env.items()):
            command += ["--setenv", name, value]
        return Prepared([*command, "--", *argv], env, url)


# The settings the grading reads (an allow-list: anything else named CHECKER_* stays outside).
GRADING_SETTINGS = ("CHECKER_MEMORY_MB", "CHECKER_ROOT", "CHECKER_NO_FORK")


def minimal_environment(home: str, database_url: str | None) -> dict[str, str]:
    """All the environment the graded code gets: never the instructor's. Of the CHECKER_*
    settings only the grading ones pass (`GRADING_SETTINGS`); the database URL is the one seen
    inside."""
    env = {
        "PATH": os.pathsep.join(dict.fromkeys([str(Path(sys.executable).parent), *SYSTEM_PATH])),
        "HOME": home,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({k: os.environ[k] for k in GRADING_SETTINGS if k in os.environ})
    if database_url:
        env["CHECKER_DATABASE_URL"] = database_url
    return env


def python_runtime() -> list[Path]:
    """What the grader's Python needs to see when it lives under a hidden folder (pyenv or a
    virtualenv in the instructor's home): its prefixes and the checker package's own folder."""
    import checker

    places = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    places.add(str(Path(sys.executable).resolve().parent.parent))
    places.add(str(Path(checker.__file__).resolve().parent.parent))
    return [Path(p) for p in sorted(places) if Path(p).is_dir()]


def hidden_home() -> Path | None:
    """The instructor's home folder, to hide; None when it is / or not a folder."""
    home = Path(os.path.expanduser("~")).resolve()
    return home if home != Path("/") and home.is_dir() else None


def bubblewrap_argv(
    *, writable: list[Path], readable: list[Path], sockets: list[Path], hostname: str
) -> list[str]:
    """The bwrap options, in the order bubblewrap applies them: a later mount covers an earlier
    one, so the read-only root and the empty /tmp and home come first, then what is shown again
    through them (readable, sockets), then what may be written."""
    argv = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    argv += ["--tmpfs", "/tmp", "--dir", HOME_INSIDE]
    home = hidden_home()
    if home is not None and not _under(home, Path("/tmp")):
        argv += ["--tmpfs", str(home)]
    for path in _outermost(readable):
        argv += ["--ro-bind", str(path), str(path)]
    for socket in sockets:
        real = socket.resolve()
        argv += ["--ro-bind", str(real), str(real)]
    for path in _outermost(writable):
        argv += ["--bind", str(path), str(path)]
    if home is not None and not _under(home, Path("/tmp")):
        argv += ["--remount-ro", str(home)]
    argv += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    argv += ["--hostname", hostname, "--die-with-parent", "--new-session", "--clearenv"]
    return argv


def _under(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _outermost(paths: list[Path]) -> list[Path]:
    """Each path once, leaving out those inside another one (binding the outer shows them)."""
    unique = sorted(set(paths), key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in unique:
        if path.exists() and not any(_under(path, k) for k in kept):
            kept.append(path)
    return kept


def _hostname(writable: list[Path]) -> str:
    """The sandbox's host name, which the Postgres isolation puts in every role and schema name
    (`ck_<host>_<pid>`). Inside their own pid namespaces two sandboxes have the same pids, so
    two learners graded at once must differ by host: named after what the run may write (the
    learner's copy), regrading the same copy sweeps what a killed run of it left."""
    key = "\n".join(sorted(map(str, writable))) or os.urandom(8).hex()
    return "sandbox-" + hashlib.sha256(key.encode()).hexdigest()[:12]


_homes: list[str] = []


def _fresh_home_outside() -> str:
    """Unsandboxed, HOME is still not the instructor's: an empty folder, removed at exit."""
    if not _homes:
        _homes.append(tempfile.mkdtemp(prefix="checker-home-"))
        atexit.register(shutil.rmtree, _homes[0], True)
    return _homes[0]


@lru_cache(maxsize=1)
def detect() -> Sandbox:
    """bubblewrap if this is Linux, `bwrap` is on PATH, and it can start a sandbox here (user
    namespaces may be disabled, or a container may forbid them): tried once per process."""
    if not sys.platform.startswith("linux"):
        return Sandbox(NONE, f"there is no sandbox on {sys.platform}: bubblewrap is Linux only.")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Sandbox(
            NONE, "bubblewrap is not installed (`apt-get install bubblewrap`, or your distro's)."
        )
    try:
        probe = subprocess.run(
            [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "true"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Sandbox(NONE, f"bubblewrap could not start: {exc}.")
    if probe.returncode != 0:
        said = (probe.stderr.strip().splitlines() or ["no message"])[-1]
        return Sandbox(
            NONE,
            f"bubblewrap cannot make a sandbox here ({said}); user namespaces may be disabled.",
        )
    return Sandbox(BUBBLEWRAP)
