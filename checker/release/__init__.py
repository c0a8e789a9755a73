"""Releases of the workbook: its version, a manifest per release (every file it ships, with a
hash of each), and checking a workbook against the manifest of the release it claims to be.

`manifest`   the manifest's shape, how it is written (`checker release`) and read
`integrity`  which of the grader's files in a workbook differ from its release (tamper evidence)
"""

from checker import __version__

VERSION = __version__
