"""The ``icx`` command line (typer + rich). Each command lives in ``icx/cli/commands/``."""
