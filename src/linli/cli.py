"""The ``linli`` console command: a thin wrapper over Django's management commands.

``linli ledger import FILE.xlsx`` is ``manage.py ledger import FILE.xlsx``;
``linli serve``, ``linli demo``, ``linli migrate`` and every other command work the same way.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linli.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["linli", *args])


if __name__ == "__main__":
    main()
