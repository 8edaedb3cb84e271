"""``python -m bettercare``: the command line."""

from bettercare.cli.main import console

console()
