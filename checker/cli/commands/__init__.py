"""One module per command group. Each builds plain data (and an exit code); `checker.cli.render`
turns it into text or JSON."""
