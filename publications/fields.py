"""Model fields for identifiers: they normalise on clean, store NULL when empty."""

from django.db import models

from . import identifiers


class IdentifierField(models.CharField):
    """A CharField whose clean() normalises the value; blank becomes NULL so
    that a unique constraint applies only where the identifier is present."""

    normalizer = staticmethod(lambda value: value)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None or not value.strip():
            return None
        return self.normalizer(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value or None


class DOIField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_doi)


class PubMedIDField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_pmid)


class PMCIDField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_pmcid)


class ORCIDField(IdentifierField):
    normalizer = staticmethod(identifiers.normalize_orcid)


class BlankIdentifiersAsNull:
    """Model mixin: a blank identifier is NULL before validation, so the
    unique check ignores it (Model.clean_fields skips blank values)."""

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, IdentifierField):
                value = getattr(self, field.attname)
                if isinstance(value, str) and not value.strip():
                    setattr(self, field.attname, None)
        super().clean_fields(exclude=exclude)
