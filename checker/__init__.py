"""The grader for the SQLAlchemy + FastAPI kata workbook.

Only `ui.py` imports rich; every other module returns plain data so that the pretty view and
`--json` never disagree.
"""

__version__ = "0.1.0"
