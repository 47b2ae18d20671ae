"""``python -m scholarcli`` runs the same entry point as the ``scholar`` script."""

from scholarcli.cli import main

main()
