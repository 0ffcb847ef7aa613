"""PostgreSQL: search vectors carried in their binary form.

A vector computed on one connection for a write on another went out as text
and was parsed back: at an import's scale, parsing took more of the writing
connection's time than the rest of building the documents. The binary form
(tsvectorsend) is read back without parsing, so vectors travel as bytes and
go into statements as a binary tsvector[] parameter.
"""

import struct

from psycopg.adapt import Dumper
from psycopg.pq import Format

TSVECTOR_OID = 3614  # built-in type ids, fixed in every server
TSVECTOR_ARRAY_OID = 3643


class Vectors(list):
    """Vectors in their binary form (bytes from tsvectorsend), or None, as a
    tsvector[] parameter."""


class _VectorsDumper(Dumper):
    format = Format.BINARY
    oid = TSVECTOR_ARRAY_OID

    def dump(self, obj: Vectors) -> bytes:
        if not obj:
            return struct.pack("!iii", 0, 0, TSVECTOR_OID)
        # A one-dimensional array: dimensions, null flag, element type,
        # length and lower bound, then each element with its length.
        parts = [struct.pack("!iiiii", 1, None in obj, TSVECTOR_OID, len(obj), 1)]
        for vector in obj:
            if vector is None:
                parts.append(struct.pack("!i", -1))
            else:
                parts += [struct.pack("!i", len(vector)), bytes(vector)]
        return b"".join(parts)


def adapted(cursor):
    """The cursor (a Django cursor on psycopg), able to send Vectors."""
    cursor.cursor.adapters.register_dumper(Vectors, _VectorsDumper)
    return cursor
