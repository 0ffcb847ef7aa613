"""Additions to the search index (see publications/search/).

- A date index over the second fixed sample (`sample = 1`): the summary of a
  year page, or of any listing narrowed by years or type alone, counts the
  sample's rows of those years instead of reading the whole table. (Not
  sample 0: searches use that one through its GIN index, and the planner
  would take a date index there and test each row's document one by one.)
- Counts of the whole collection (search/counts.py), which the engines keep
  current as they index records and count again on every rebuild; filled
  here from the index as it stands:
  `publications_search_facet`, records per facet value and the total, for
  the department and subject trees, /years/ and the search page before a
  search; `publications_search_author`, records per person with the
  person's name keys, for the A-Z author index (/authors/?letter=S), so a
  page of it is an index range, not a count over every authorship.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """CREATE INDEX publications_search_sample_date_idx
       ON publications_search (date_sort) WHERE sample = 1""",
    # facet: total (value 0), year, type, department, subject or keyword.
    """CREATE TABLE publications_search_facet (
        facet varchar(10) NOT NULL,
        value integer NOT NULL,
        records integer NOT NULL,
        PRIMARY KEY (facet, value)
    )""",
    """INSERT INTO publications_search_facet (facet, value, records)
       SELECT facet, value, count(*) FROM (
           SELECT 'total' AS facet, 0 AS value FROM publications_search
           UNION ALL SELECT 'year', year FROM publications_search
           UNION ALL SELECT 'type', document_type_id FROM publications_search
           UNION ALL SELECT 'department', unnest(department_ids)
                     FROM publications_search
           UNION ALL SELECT 'subject', unnest(subject_ids) FROM publications_search
           UNION ALL SELECT 'keyword', unnest(keyword_ids) FROM publications_search
       ) AS f GROUP BY facet, value""",
    # initial: A-Z, or '' for a family name that does not begin with A-Z.
    """CREATE TABLE publications_search_author (
        person_id bigint PRIMARY KEY,
        initial varchar(1) NOT NULL,
        family_name varchar(255) NOT NULL,
        given_names varchar(255) NOT NULL,
        records integer NOT NULL
    )""",
    # One letter's people in name order (as the person table orders them),
    # with their counts, from the index alone.
    """CREATE INDEX publications_search_author_letter_idx
       ON publications_search_author (initial, family_name, given_names, person_id)
       INCLUDE (records)""",
    """INSERT INTO publications_search_author
       SELECT p.id,
              CASE WHEN p.family_name ~ '^[A-Za-z]'
                   THEN upper(left(p.family_name, 1)) ELSE '' END,
              p.family_name, p.given_names, c.records
       FROM (SELECT unnest(author_ids) AS person_id, count(*) AS records
             FROM publications_search GROUP BY 1) c
       JOIN publications_person p ON p.id = c.person_id""",
    "ANALYZE publications_search_author",
    "ANALYZE publications_search_facet",
]

POSTGRES_BACKWARD = [
    "DROP TABLE IF EXISTS publications_search_facet",
    "DROP TABLE IF EXISTS publications_search_author",
    "DROP INDEX IF EXISTS publications_search_sample_date_idx",
]

SQLITE_FORWARD = [
    """CREATE TABLE publications_search_facet (
        facet text NOT NULL,
        value integer NOT NULL,
        records integer NOT NULL,
        PRIMARY KEY (facet, value)
    )""",
    """INSERT INTO publications_search_facet (facet, value, records)
       SELECT facet, value, count(*) FROM (
           SELECT 'total' AS facet, 0 AS value FROM publications_search
           UNION ALL SELECT 'year', year FROM publications_search
           UNION ALL SELECT 'type', document_type_id FROM publications_search
           UNION ALL SELECT 'department', j.value
                     FROM publications_search k, json_each(k.department_ids) j
           UNION ALL SELECT 'subject', j.value
                     FROM publications_search k, json_each(k.subject_ids) j
           UNION ALL SELECT 'keyword', j.value
                     FROM publications_search k, json_each(k.keyword_ids) j
       ) AS f GROUP BY facet, value""",
    """CREATE TABLE publications_search_author (
        person_id integer PRIMARY KEY,
        initial text NOT NULL,
        family_name text NOT NULL,
        given_names text NOT NULL,
        records integer NOT NULL
    )""",
    """CREATE INDEX publications_search_author_letter_idx
       ON publications_search_author (initial, family_name, given_names, person_id)""",
    """INSERT INTO publications_search_author
       SELECT p.id,
              CASE WHEN p.family_name GLOB '[A-Za-z]*'
                   THEN upper(substr(p.family_name, 1, 1)) ELSE '' END,
              p.family_name, p.given_names, c.records
       FROM (SELECT j.value AS person_id, count(*) AS records
             FROM publications_search k, json_each(k.author_ids) j
             GROUP BY j.value) c
       JOIN publications_person p ON p.id = c.person_id""",
]

SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS publications_search_author",
    "DROP TABLE IF EXISTS publications_search_facet",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"Search has no engine for {schema_editor.connection.vendor}."
            )
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("publications", "0006_title_key")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
