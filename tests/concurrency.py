"""Running service calls at the same moment from separate threads (separate connections).

Threads need their own connections sharing one committed database: PostgreSQL only (on SQLite,
``IMMEDIATE`` transactions admit one writer at a time). A module of race tests starts with
``pytestmark = postgres_only`` and marks its tests ``django_db(transaction=True)``.
"""

import threading

import pytest
from django.db import connection, connections

from linli.core.errors import DomainError

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads with separate connections need a shared server database (PostgreSQL)",
)


def race(*fns):
    """Call every ``fn`` at once (a barrier releases them together); return their results in
    order, a :class:`DomainError` standing for the call that raised it."""
    barrier = threading.Barrier(len(fns))
    results = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results
