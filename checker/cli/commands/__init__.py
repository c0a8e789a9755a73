"""One module per command. Each returns plain data (and an exit code); `checker.cli.render` renders it."""
