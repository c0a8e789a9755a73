"""The grader for the SQLAlchemy + FastAPI kata workbook.

Three parts, one folder each:
  checker/workbook/  the model both sides read: the catalog, kata kinds (which files a kata has),
                     markers (stubs from solutions) and mutants
  checker/plugin/    what runs in the learner's process: the pytest plugin, its fixtures, the
                     per-check databases, statement capture, and the stream of results
  checker/cli/       what runs in the `checker` command: commands, the runner that starts and
                     watches the child, state (progress, backups) and the one renderer
checker/results/ holds the result records both sides exchange and their JSON Schema;
checker/release/ the version, a manifest per release, integrity checks, the class edition and
updates.
"""

__version__ = "0.6.0"
