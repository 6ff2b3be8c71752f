"""``python -m reportfill`` runs the command line."""

from .cli import main

main(prog_name="reportfill")
