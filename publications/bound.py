"""Cursors that send their parameters apart from the statement.

Django's PostgreSQL backend binds parameters on the client: psycopg quotes
every value into the statement's text, in Python. For the arrays of
thousands of texts and search vectors that bulk writes send, the quoting
took longer than the statement's own work. A server-binding cursor sends
them as they are, formatted in C. Django's other statements keep client
binding, which some of its queries need.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection as default_connection


@contextmanager
def bound_cursor(connection=default_connection) -> Iterator:
    """A cursor of `connection` that binds on the server (PostgreSQL), or
    its ordinary cursor elsewhere; queries are logged and wrapped as
    Django's own are."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = ServerBindingCursor(connection.connection)
    wrap = (
        connection.make_debug_cursor
        if connection.queries_logged
        else connection.make_cursor
    )
    with wrap(raw) as cursor:
        yield cursor
