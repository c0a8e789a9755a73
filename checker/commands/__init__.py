"""One module per command. Each returns plain data (and an exit code); `checker.ui` renders it."""
