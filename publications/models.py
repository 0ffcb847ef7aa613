from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Right, Substr
from django.urls import reverse
from django.utils.text import slugify

from .citation import person_name
from .dates import PartialDate
from .fields import (
    BlankIdentifiersAsNull,
    DOIField,
    ORCIDField,
    PMCIDField,
    PubMedIDField,
)
from .history import AuditHistory
from .querysets import PublicationQuerySet
from .titles import TITLE_KEY_LENGTH, TITLE_PREFIX_LENGTH


class Department(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        DEPARTMENT = "department", "Department"
        DIVISION = "division", "Division"
        PROGRAM = "program", "Program"
        CENTER = "center", "Center"

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.DEPARTMENT)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:department", args=[self.slug])


class Subject(models.Model):
    """A discipline of the Digital Commons three-tiered taxonomy."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    # Indexed as the first column of subject_unique_name_under_parent.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        db_index=False,
    )
    depth = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(depth__gte=1, depth__lte=3),
                name="subject_depth_1_to_3",
            ),
            # The loader finds a node by its name and parent.
            models.UniqueConstraint(
                fields=["parent", "name"], name="subject_unique_name_under_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:subject", args=[self.slug])


class Keyword(models.Model):
    class Vocabulary(models.TextChoices):
        MESH = "mesh", "MeSH"
        AUTHOR = "author", "Author keyword"

    term = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    vocabulary = models.CharField(
        max_length=10, choices=Vocabulary, default=Vocabulary.AUTHOR
    )
    # NULL, not "", where absent: unique only where present.
    identifier = models.CharField(  # noqa: DJ001
        max_length=50,
        null=True,
        blank=True,
        help_text="The vocabulary's identifier, e.g. the MeSH descriptor UI D051359.",
    )

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["vocabulary", "term"], name="keyword_unique_term_per_vocabulary"
            ),
            models.UniqueConstraint(
                fields=["vocabulary", "identifier"],
                name="keyword_unique_identifier_per_vocabulary",
            ),
        ]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("publications:keyword", args=[self.slug])


class Person(BlankIdentifiersAsNull, models.Model):
    given_names = models.CharField("given name(s)", max_length=255, blank=True)
    family_name = models.CharField(max_length=255)
    suffix = models.CharField(max_length=20, blank=True, help_text="Jr, III, ...")
    slug = models.SlugField(max_length=255, unique=True)
    orcid = ORCIDField("ORCID iD", max_length=19, unique=True)
    is_local = models.BooleanField(
        "local faculty", default=False, help_text="A member of this institution."
    )
    departments = models.ManyToManyField(Department, blank=True, related_name="people")

    class Meta:
        ordering = ["family_name", "given_names"]
        verbose_name_plural = "people"
        indexes = [
            # The A-Z author index and admin name search.
            models.Index(fields=["family_name", "given_names"], name="person_name_idx"),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("publications:author", args=[self.slug])

    @property
    def display_name(self) -> str:
        return person_name(self.given_names, self.family_name, self.suffix)

    @property
    def sort_name(self) -> str:
        """Family name first, as in indexes and citations: "Henter, Jan-Inge"."""
        name = ", ".join(part for part in (self.family_name, self.given_names) if part)
        return f"{name}, {self.suffix}" if self.suffix else name


class Venue(models.Model):
    """A journal, book or conference: "Journal/Book/Conference Title"."""

    title = models.CharField(max_length=500)
    abbreviation = models.CharField(max_length=255, blank=True)
    issn = models.CharField("ISSN", max_length=9, blank=True)
    eissn = models.CharField("eISSN", max_length=9, blank=True)
    publisher = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["issn"], name="venue_issn_idx")]

    def __str__(self):
        return self.title


class DocumentType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    csl_type = models.CharField("CSL type", max_length=50, default="article-journal")
    bibtex_type = models.CharField("BibTeX type", max_length=50, default="article")
    ris_type = models.CharField("RIS type", max_length=10, default="JOUR")
    schema_type = models.CharField(
        "schema.org type", max_length=50, default="ScholarlyArticle"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("publications:type", args=[self.slug])


class Publication(BlankIdentifiersAsNull, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    title = models.CharField(max_length=1000)
    # Only decorates URLs (the canonical one has none), so it needs no index.
    slug = models.SlugField(max_length=80, blank=True, editable=False, db_index=False)
    # The title reduced to letters and digits (publications.titles), set by
    # publication_prepare: how the import finds a record it already has.
    title_key = models.CharField(
        max_length=TITLE_KEY_LENGTH, blank=True, default="", editable=False
    )
    abstract = models.TextField(
        blank=True,
        help_text="Paragraphs, italics, bold, sub- and superscript are kept.",
    )
    pub_year = models.PositiveSmallIntegerField("publication year")
    pub_month = models.PositiveSmallIntegerField("month", null=True, blank=True)
    pub_day = models.PositiveSmallIntegerField("day", null=True, blank=True)
    # yyyymmdd with missing parts as zero, derived from the three above.
    date_sort = models.PositiveIntegerField(default=0, editable=False)
    epub_date = models.DateField("electronic publication date", null=True, blank=True)
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="publications"
    )
    venue = models.ForeignKey(
        Venue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True, help_text="e.g. 609-22")
    source_citation = models.CharField(
        "source",
        max_length=1000,
        blank=True,
        help_text="The citation as the source prints it, e.g. "
        "“Br J Haematol. 2013 Jun;161(5):609-22.”",
    )
    # Unique through Meta.constraints: unique=True would add a second,
    # pattern-matching index on PostgreSQL that exact lookups never use.
    doi = DOIField("DOI", max_length=255)
    pmid = PubMedIDField("PubMed ID", max_length=10)
    pmcid = PMCIDField("PMCID", max_length=20)
    publisher_url = models.URLField("publisher's URL", max_length=1000, blank=True)
    departments = models.ManyToManyField(
        Department,
        through="PublicationDepartment",
        blank=True,
        related_name="publications",
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="publications")
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="publications")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    withdrawal_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = AuditHistory(m2m_fields=[subjects, keywords], indexed=("id",))
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_sort", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], name="publication_unique_doi"),
            models.UniqueConstraint(fields=["pmid"], name="publication_unique_pmid"),
            models.UniqueConstraint(fields=["pmcid"], name="publication_unique_pmcid"),
        ]
        permissions = [
            ("publish_publication", "Can publish publications"),
            ("withdraw_publication", "Can withdraw publications"),
        ]
        indexes = [
            # /publications/ and every browse listing: newest first, published only.
            models.Index(
                models.F("date_sort").desc(),
                models.F("id").desc(),
                condition=models.Q(status="published"),
                name="pub_listing_idx",
            ),
            # Year headings and year counts of the listing; admin year filter.
            models.Index(
                fields=["pub_year"],
                condition=models.Q(status="published"),
                name="pub_year_idx",
            ),
            # Home page "recent additions".
            models.Index(
                models.F("first_published_at").desc(),
                condition=models.Q(status="published"),
                name="pub_recent_idx",
            ),
            # OAI-PMH ListRecords/ListIdentifiers: harvest order, from/until and
            # the resumption keyset (updated_at, id) > (t, i).
            models.Index(
                fields=["updated_at", "id"],
                condition=models.Q(status__in=["published", "withdrawn"]),
                name="pub_oai_harvest_idx",
            ),
            # Admin changelist: filter by status, newest changes first.
            models.Index(
                fields=["status", "-updated_at"], name="pub_status_updated_idx"
            ),
            # The import's duplicate check: records whose title key starts
            # like an incoming one's, in the years around it, for a whole
            # chunk of incoming records in one query (ingest.matching).
            models.Index(
                Substr("title_key", 1, TITLE_PREFIX_LENGTH),
                models.F("pub_year"),
                name="pub_title_key_idx",
            ),
            # ... or ends like it.
            models.Index(
                Right("title_key", TITLE_PREFIX_LENGTH),
                models.F("pub_year"),
                name="pub_title_key_end_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # The canonical URL has no slug, so a corrected title never breaks it.
        return reverse("publications:record", args=[self.pk])

    @property
    def partial_date(self) -> PartialDate:
        return PartialDate(self.pub_year, self.pub_month, self.pub_day)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    def clean(self):
        if self.pub_year is not None:
            self.partial_date  # noqa: B018 - raises ValidationError when invalid
            self.date_sort = self.partial_date.sort_key
        self.slug = slugify(self.title)[:80].strip("-")

    def unique_error_message(self, model_class, unique_check):
        """Name the record that already holds the identifier."""
        if model_class is Publication and len(unique_check) == 1:
            field = unique_check[0]
            value = getattr(self, field)
            other = (
                Publication.objects.filter(**{field: value}).exclude(pk=self.pk).first()
            )
            if other is not None:
                label = self._meta.get_field(field).verbose_name
                return ValidationError(
                    "%(label)s %(value)s is already used by record #%(id)s, "
                    "“%(title)s”.",
                    code="unique",
                    params={
                        "label": label,
                        "value": value,
                        "id": other.pk,
                        "title": other.title,
                    },
                )
        return super().unique_error_message(model_class, unique_check)


class PublicationDepartment(models.Model):
    """A publication's department ("Affiliation"), in the order curators give."""

    # Indexed as the first column of pubdept_unique_department.
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="department_links",
        db_index=False,
    )
    # Indexed as the first column of pubdept_dept_idx.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="publication_links",
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(default=1)

    history = AuditHistory(indexed=("publication",))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "affiliation"
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "department"], name="pubdept_unique_department"
            )
        ]
        indexes = [
            # A department's listing joins from the department side.
            models.Index(fields=["department", "publication"], name="pubdept_dept_idx")
        ]

    def __str__(self):
        return str(self.department)


class Authorship(models.Model):
    # Indexed as the first column of authorship_unique_position.
    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="authorships",
        db_index=False,
    )
    # Indexed as the first column of authorship_person_idx.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="authorships", db_index=False
    )
    position = models.PositiveSmallIntegerField()
    name_as_printed = models.CharField(max_length=255, blank=True)
    affiliation = models.TextField("affiliation as printed", blank=True)
    corresponding = models.BooleanField("corresponding author", default=False)

    history = AuditHistory(indexed=("publication",))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "position"], name="authorship_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="authorship_position_from_1"
            ),
        ]
        indexes = [
            # An author's page lists their publications.
            models.Index(fields=["person", "publication"], name="authorship_person_idx")
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_as_printed or self.person.display_name


class RelatedLink(models.Model):
    class Kind(models.TextChoices):
        PUBMED = "pubmed", "PubMed"
        PMC = "pmc", "PubMed Central"
        PUBLISHER = "publisher", "Publisher"
        DATASET = "dataset", "Dataset"
        PREPRINT = "preprint", "Preprint"
        OTHER = "other", "Other"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="related_links"
    )
    label = models.CharField(max_length=255)
    url = models.URLField("URL", max_length=1000)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    position = models.PositiveSmallIntegerField(default=1)

    history = AuditHistory(indexed=("publication",))

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.label
