"""Errors the CLI answers with one paragraph and exit code 2, never a traceback."""


class CheckerError(Exception):
    """A usage or environment problem: bad input, a missing database, a broken catalog."""


class CatalogError(CheckerError):
    """A `phase.toml` (or the curriculum file) that cannot be used, naming the file and key."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: `{key}` {problem}")
