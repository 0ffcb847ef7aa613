"""Forms of the curators' admin: the record form, the ordered author rows and
the withdrawal note asked for before records are withdrawn."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from .fields import IdentifierField
from .models import Authorship, Person, Publication


def https_urls(db_field, **kwargs):
    """Model form fields, with links pasted without a scheme read as https
    (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class IdentifierInputMixin:
    """Identifiers may be pasted in a longer form than they are stored
    ("https://orcid.org/0000-0002-1825-0097" for a 19-character ORCID iD).
    The form lets them through; the model field normalises them and gives the
    field's own message when they are not identifiers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, form_field in self.fields.items():
            model_field = next(
                (f for f in self._meta.model._meta.fields if f.name == name), None
            )
            if isinstance(model_field, IdentifierField):
                form_field.max_length = None
                form_field.widget.attrs.pop("maxlength", None)
                form_field.validators = [
                    v
                    for v in form_field.validators
                    if not isinstance(v, MaxLengthValidator)
                ]


class PersonAdminForm(IdentifierInputMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "given_names",
            "family_name",
            "suffix",
            "orcid",
            "is_local",
            "departments",
        ]


class PublicationAdminForm(IdentifierInputMixin, forms.ModelForm):
    """The record form. Status changes made here follow the same rules as the
    publish and withdraw actions."""

    class Meta:
        model = Publication
        formfield_callback = https_urls
        fields = [
            "title",
            "document_type",
            "status",
            "pub_year",
            "pub_month",
            "pub_day",
            "epub_date",
            "venue",
            "volume",
            "issue",
            "pages",
            "source_citation",
            "publisher_url",
            "doi",
            "pmid",
            "pmcid",
            "abstract",
            "subjects",
            "keywords",
            "withdrawal_note",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "source_citation": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            "withdrawal_note": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Publication.Status.WITHDRAWN and not (
            (cleaned.get("withdrawal_note") or "").strip()
        ):
            self.add_error(
                "withdrawal_note",
                "Say why the record is withdrawn; readers see this note.",
            )
        return cleaned


class AuthorshipInlineForm(forms.ModelForm):
    """One author row. The position is a plain form field, not the model
    field: positions are unique per record, and a reorder (3, 1, 2) would
    fail that check row by row. The admin sorts the rows by the numbers
    entered and the service layer renumbers them 1..n in one transaction."""

    position = forms.IntegerField(
        min_value=1,
        required=False,
        help_text="Order on the record; blank adds the author at the end.",
        widget=forms.NumberInput(attrs={"style": "width: 4em"}),
    )

    class Meta:
        model = Authorship
        # Excluded so the model's unique check skips it (see above).
        exclude = ["position"]  # noqa: DJ006
        widgets = {"affiliation": forms.Textarea(attrs={"rows": 1, "cols": 40})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "position" not in self.initial:
            self.initial["position"] = self.instance.position


class WithdrawForm(forms.Form):
    """The note readers see on a withdrawn record's tombstone page."""

    withdrawal_note = forms.CharField(
        label="Withdrawal note",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Why the records are withdrawn, e.g. “Retracted by the journal.” "
        "Readers see it on each record's page.",
        error_messages={
            "required": "Say why the records are withdrawn; readers see this note."
        },
    )
