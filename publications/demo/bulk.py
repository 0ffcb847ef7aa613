"""Write many rows fast: COPY on PostgreSQL, executemany elsewhere.

Rows are tuples in the order of the columns given; every other column of the
model gets its field default, so a column added later does not break the
writer. Ids of rows other rows point at are reserved before writing.

COPY goes in PostgreSQL's binary format where every column is of a plain
type (numbers, text, booleans, dates and times): formatting rows as text
took five times the Python time, and the server parsed the text back. JSON
columns go as text, which their binary format is not.
"""

from collections.abc import Iterable, Sequence

from django.db import connection as default_connection
from django.db import models

EXECUTEMANY_BATCH = 2000
# Column types written in binary COPY, as Django names them on PostgreSQL.
BINARY_TYPES = {
    "bigint",
    "integer",
    "smallint",
    "boolean",
    "varchar",
    "text",
    "date",
    "timestamp with time zone",
    "double precision",
}


class BulkWriter:
    def __init__(self, connection=default_connection):
        self.connection = connection
        self.is_postgresql = connection.vendor == "postgresql"
        self._next_id: dict[str, int] = {}

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        """`count` primary keys no other writer will use."""
        if count <= 0:
            return []
        table, pk = model._meta.db_table, model._meta.pk.column
        with self.connection.cursor() as cursor:
            if self.is_postgresql:
                # The sequence found once: looked up per row, it costs ten
                # times the nextval. The ids come back as a range where no
                # other writer took one in between, as is usual: reading
                # them one a row cost more than taking them.
                cursor.execute(
                    "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)"
                    "::regclass AS sequence), "
                    "taken AS MATERIALIZED (SELECT nextval(sequence) AS id "
                    "FROM s, generate_series(1, %s)) "
                    "SELECT first, last, CASE WHEN last - first + 1 = %s THEN NULL "
                    # Evaluated only where the ids are not a range.
                    "ELSE (SELECT array_agg(id ORDER BY id) FROM taken) END "
                    "FROM (SELECT min(id) AS first, max(id) AS last FROM taken) r",
                    [table, pk, count, count],
                )
                first, last, scattered = cursor.fetchone()
                return scattered if scattered is not None else [*range(first, last + 1)]
            # SQLite: one writer at a time, so the next id is past the largest.
            qn = self.connection.ops.quote_name
            cursor.execute(f"SELECT MAX({qn(pk)}) FROM {qn(table)}")  # noqa: S608
            start = max((cursor.fetchone()[0] or 0) + 1, self._next_id.get(table, 1))
        self._next_id[table] = start + count
        return list(range(start, start + count))

    def insert(
        self,
        model: type[models.Model],
        columns: Sequence[str],
        rows: Iterable[Sequence],
    ) -> int:
        """Insert `rows` (values for `columns`, by attname); returns the count."""
        fields = {f.attname: f for f in model._meta.concrete_fields}
        given = [fields[name] for name in columns]
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.attname not in columns
            and not f.primary_key
            and not getattr(f, "generated", False)
            and f.db_default is models.NOT_PROVIDED
        ]
        constants = tuple(
            f.get_db_prep_save(f.get_default(), self.connection) for f in rest
        )
        qn = self.connection.ops.quote_name
        names = ", ".join(qn(f.column) for f in given + rest)
        table = qn(model._meta.db_table)
        if self.is_postgresql:
            types = self._binary_types(given + rest)
            sql = f"COPY {table} ({names}) FROM STDIN"
            if types:
                sql += " (FORMAT BINARY)"
            return self._copy(sql, rows, constants, types)
        return self._executemany(table, names, given, rows, constants)

    def _binary_types(self, fields) -> list[str] | None:
        """The columns' type names for a binary COPY, or None where one is
        not of a plain type."""
        types = []
        for field in fields:
            name = field.db_type(self.connection).split("(")[0]
            if name not in BINARY_TYPES:
                return None
            types.append(name)
        return types

    def _copy(self, sql: str, rows, constants, types) -> int:
        count = 0
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            if types:
                copy.set_types(types)
            for row in rows:
                copy.write_row((*row, *constants))
                count += 1
        return count

    def _executemany(self, table, names, given, rows, constants) -> int:
        # Dates and datetimes need the backend's own representation here.
        prepared = [
            (i, f)
            for i, f in enumerate(given)
            if isinstance(f, models.DateField | models.DateTimeField)
        ]
        placeholders = ", ".join(["%s"] * (len(given) + len(constants)))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
        count, batch = 0, []
        with self.connection.cursor() as cursor:
            for row in rows:
                values = list(row)
                for i, field in prepared:
                    values[i] = field.get_db_prep_save(values[i], self.connection)
                batch.append((*values, *constants))
                if len(batch) >= EXECUTEMANY_BATCH:
                    cursor.executemany(sql, batch)
                    count, batch = count + len(batch), []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
        return count
