"""The document types a faculty-publications collection starts with, each
mapped to its CSL, BibTeX, RIS and schema.org type. Curators may add more."""

from django.db import migrations

# name, slug, CSL, BibTeX, RIS, schema.org
DOCUMENT_TYPES = [
    ("Article", "article", "article-journal", "article", "JOUR", "ScholarlyArticle"),
    ("Review", "review", "article-journal", "article", "JOUR", "ScholarlyArticle"),
    (
        "Editorial",
        "editorial",
        "article-journal",
        "article",
        "JOUR",
        "ScholarlyArticle",
    ),
    ("Letter", "letter", "article-journal", "article", "JOUR", "ScholarlyArticle"),
    (
        "Case Report",
        "case-report",
        "article-journal",
        "article",
        "JOUR",
        "ScholarlyArticle",
    ),
    ("Book", "book", "book", "book", "BOOK", "Book"),
    ("Book Chapter", "book-chapter", "chapter", "incollection", "CHAP", "Chapter"),
    (
        "Conference Proceeding",
        "conference-proceeding",
        "paper-conference",
        "inproceedings",
        "CPAPER",
        "ScholarlyArticle",
    ),
    ("Poster", "poster", "speech", "misc", "CONF", "CreativeWork"),
    ("Preprint", "preprint", "article", "unpublished", "UNPB", "ScholarlyArticle"),
    ("Report", "report", "report", "techreport", "RPRT", "Report"),
    ("Dissertation", "dissertation", "thesis", "phdthesis", "THES", "Thesis"),
    ("Dataset", "dataset", "dataset", "misc", "DATA", "Dataset"),
]


def add_types(apps, schema_editor):
    DocumentType = apps.get_model("publications", "DocumentType")
    for name, slug, csl, bibtex, ris, schema in DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "csl_type": csl,
                "bibtex_type": bibtex,
                "ris_type": ris,
                "schema_type": schema,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("publications", "0001_initial")]

    operations = [migrations.RunPython(add_types, migrations.RunPython.noop)]
