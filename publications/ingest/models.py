"""What an import is made of: the batch a curator starts, one row per input
record with its plan and outcome, the affiliation rules that place authors in
departments, the repositories harvested over OAI-PMH, and the identifiers
harvested records have there.

A batch and its rows are never deleted by the import itself: they are the
audit of who imported what, when, from which file, and what became of each row.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from publications.importers.base import SOURCE_ID_MAX_LENGTH
from publications.models import Department, Publication


class AffiliationRule(models.Model):
    """Places an author in a department when their affiliation as printed
    contains `pattern` (case and accents ignored), e.g. "Dept of Pediatrics"
    or "Pediatrics, University of Massachusetts". Rules are tried in
    `position` order; every matching rule's department is taken."""

    pattern = models.CharField(
        max_length=255,
        help_text="Text the affiliation must contain, e.g. “Department of "
        "Pediatrics”. Case and accents are ignored.",
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="affiliation_rules"
    )
    position = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["position", "pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "department"], name="affiliation_rule_unique"
            )
        ]

    def __str__(self):
        return f"“{self.pattern}” → {self.department}"


class SourceRecord(models.Model):
    """A catalogue record as another repository identifies it (its OAI-PMH
    identifier, unique by the protocol's scheme): the next harvest finds the
    same record by it, whatever else has changed."""

    identifier = models.CharField(max_length=SOURCE_ID_MAX_LENGTH, unique=True)
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="source_records"
    )

    class Meta:
        verbose_name = "harvested record"

    def __str__(self):
        return self.identifier


class HarvestSource(models.Model):
    """Another repository's OAI-PMH endpoint. Each harvest asks only for what
    changed since the previous one (`harvested_until`)."""

    class Prefix(models.TextChoices):
        OAI_DC = "oai_dc", "Dublin Core (oai_dc)"
        DCQ = "dcq", "Qualified Dublin Core, as Digital Commons (dcq)"
        QDC = "qdc", "Qualified Dublin Core (qdc)"

    name = models.CharField(max_length=255)
    base_url = models.URLField("base URL", max_length=500)
    metadata_prefix = models.CharField(
        max_length=20, choices=Prefix, default=Prefix.OAI_DC
    )
    set_spec = models.CharField("set", max_length=255, blank=True)
    harvested_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The next harvest asks for records changed from this time on.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ImportBatch(models.Model):
    class Source(models.TextChoices):
        FILE = "file", "Uploaded file"
        HARVEST = "harvest", "OAI-PMH harvest"
        LOOKUP = "lookup", "DOI / PubMed ID lookup"
        BULK_EDIT = "bulk_edit", "Bulk edit spreadsheet"

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = (
            "all",
            "All or nothing: a failure leaves the catalogue as it was",
        )
        PER_ROW = "per_row", "Row by row: apply what can be applied, report the rest"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        PLANNING = "planning", "Checking"
        PLANNED = "planned", "Ready to review"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=20, choices=Source, default=Source.FILE)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255, blank=True)
    format = models.CharField(max_length=30, blank=True)
    harvest_source = models.ForeignKey(
        HarvestSource,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batches",
    )
    # A harvest that read its whole list: the responseDate its source's next
    # harvest asks `from`, once this batch is applied.
    harvested_until = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Touched as work goes on; a batch still "checking" or "applying" whose
    # heartbeat is old was cut off (a server restart) and can be retried.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    # Filled when the plan is made and when it is applied.
    counts = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)
    # Issues about the whole file rather than a row (an encoding guessed, an
    # unknown column), as ImportRow.issues with a "row" number or None.
    issues = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "import batches"
        permissions = [("apply_importbatch", "Can apply import batches")]

    def __str__(self):
        return f"Import #{self.pk}: {self.filename or self.get_source_display()}"

    def get_absolute_url(self):
        return reverse("admin:ingest_importbatch_change", args=[self.pk])


class ImportRow(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Create a new record"
        UPDATE = "update", "Update the matching record"
        SKIP = "skip", "Skip"

    class Match(models.TextChoices):
        NONE = "", "No match"
        RECORD = "record", "Record id"
        SOURCE = "source", "Identifier at the source"
        DOI = "doi", "DOI"
        PMID = "pmid", "PubMed ID"
        TITLE = "title", "Title and year"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        SKIPPED = "skipped", "Skipped"
        FAILED = "failed", "Failed"

    # Indexed as the first column of import_row_unique_number.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row_number = models.PositiveIntegerField()
    title = models.CharField(max_length=1000, blank=True)
    # The normalised record as parsed (publications.importers), so applying
    # does not read the file again; empty when the row could not be read.
    record = models.JSONField(null=True, blank=True)
    # [{"field": ..., "message": ..., "severity": "error" | "warning"}]
    issues = models.JSONField(default=list, blank=True)
    match_kind = models.CharField(max_length=10, choices=Match, blank=True)
    match = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    similarity = models.FloatField(null=True, blank=True)
    # {"field": {"old": ..., "new": ...}} for an update.
    diff = models.JSONField(default=dict, blank=True)
    action = models.CharField(max_length=10, choices=Action, default=Action.CREATE)
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    publication = models.ForeignKey(
        Publication,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_rows",
    )

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "row_number"], name="import_row_unique_number"
            )
        ]

    def __str__(self):
        return f"Row {self.row_number}: {self.title}"
