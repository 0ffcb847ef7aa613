"""The curator's forms for starting an import: a file upload, a list of DOIs
and PubMed IDs to look up, and the affiliation tester. The file itself is
checked by `ingest.services.batch_create` (size, emptiness, format), whose
message the upload view puts on the form."""

import re

from django import forms
from django.core.exceptions import ValidationError

from publications.importers import PARSERS

from .fetchers import classify
from .models import ImportBatch

# A lookup asks Crossref and NCBI once per identifier (NCBI in groups); past
# this a curator uploads the records as a file instead.
MAX_LOOKUP_IDENTIFIERS = 500
PMID_LABEL = re.compile(r"(?i)\bpmid:?\s+(?=\d)")

UPLOAD_SOURCES = [
    (
        ImportBatch.Source.FILE,
        "Records to add (any the catalogue already has are shown, to update or skip)",
    ),
    (
        ImportBatch.Source.BULK_EDIT,
        "A bulk-edit spreadsheet exported from this repository and corrected",
    ),
]


class ModeField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label="If a row fails",
            choices=ImportBatch.Mode.choices,
            initial=ImportBatch.Mode.ALL_OR_NOTHING,
            widget=forms.RadioSelect(attrs={"class": "radiolist"}),
            **kwargs,
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        help_text="A Digital Commons batch spreadsheet (CSV or Excel .xlsx), a "
        "PubMed XML export, RIS or BibTeX from a reference manager, or Crossref "
        "JSON.",
    )
    format = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Tell from the file"),
            *((p.name, p.label) for p in PARSERS.values()),
        ],
        help_text="Leave as it is unless the format is guessed wrongly.",
    )
    source = forms.ChoiceField(
        label="The file holds",
        choices=UPLOAD_SOURCES,
        initial=ImportBatch.Source.FILE,
        widget=forms.RadioSelect(attrs={"class": "radiolist"}),
    )
    mode = ModeField()


class LookupForm(forms.Form):
    identifiers = forms.CharField(
        label="DOIs and PubMed IDs",
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60, "spellcheck": "false"}),
        help_text="One a line (or separated by spaces), e.g. "
        "10.1111/bjh.12293, https://doi.org/10.1111/bjh.12293 or 23573877. At most "
        f"{MAX_LOOKUP_IDENTIFIERS}.",
    )
    mode = ModeField()

    def clean_identifiers(self) -> list[str]:
        """The identifiers in their stored forms, repeats dropped; an error
        naming each one that is neither a DOI nor a PubMed ID."""
        # "PMID: 123" arrives as two words; glue the label back on.
        text = PMID_LABEL.sub("pmid:", self.cleaned_data["identifiers"])
        tokens = [t.strip(",;") for t in text.split()]
        identifiers, errors = [], []
        for token in filter(None, tokens):
            found = classify(token)
            if isinstance(found, str):
                errors.append(found)
            elif found[1] not in identifiers:
                identifiers.append(found[1])
        if errors:
            raise ValidationError(errors)
        if not identifiers:
            raise ValidationError("Give at least one DOI or PubMed ID.")
        if len(identifiers) > MAX_LOOKUP_IDENTIFIERS:
            raise ValidationError(
                f"{len(identifiers)} identifiers were given; look up at most "
                f"{MAX_LOOKUP_IDENTIFIERS} at a time."
            )
        return identifiers


class AffiliationTestForm(forms.Form):
    affiliation = forms.CharField(
        label="Affiliation as printed",
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text="e.g. “Department of Pediatrics, Example Medical School, "
        "Worcester, MA”",
    )
