"""Metadata formats behind one registry: one small module per format.

A format names its metadataPrefix, schema and namespace and writes a
HarvestRecord as the XML that goes inside <metadata>, with markup.field and
markup.element, which escape every value. Adding one (oai_openaire,
DataCite) is a module with a MetadataFormat subclass and its dotted path in
OAI_METADATA_FORMATS (or in DEFAULT_FORMATS below).
"""

import functools
from typing import ClassVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from ..records import HarvestRecord

DEFAULT_FORMATS = (
    "publications.oai.formats.oai_dc.OaiDublinCore",
    "publications.oai.formats.qdc.QualifiedDublinCore",
    "publications.oai.formats.mods.Mods",
)


class MetadataFormat:
    prefix: ClassVar[str]
    schema: ClassVar[str]
    namespace: ClassVar[str]

    def restrict(self, queryset: QuerySet) -> QuerySet:
        """Narrow a list to the records this format can describe (a DataCite
        format would keep those with a DOI). Every record, by default."""
        return queryset

    def can_disseminate(self, record: HarvestRecord) -> bool:
        """The same rule as `restrict`, for one record already read."""
        return True

    def metadata(self, record: HarvestRecord) -> str:
        """The record's metadata: one root element in the format's namespace,
        declaring the prefixes it uses (xsi is declared by the envelope)."""
        raise NotImplementedError


@functools.cache
def _load(paths: tuple[str, ...]) -> dict[str, MetadataFormat]:
    formats = {}
    for path in paths:
        metadata_format = import_string(path)()
        formats[metadata_format.prefix] = metadata_format
    return formats


def all_formats() -> dict[str, MetadataFormat]:
    """{metadataPrefix: format}, in the order configured."""
    return _load(tuple(getattr(settings, "OAI_METADATA_FORMATS", DEFAULT_FORMATS)))


def get_format(prefix: str) -> MetadataFormat | None:
    return all_formats().get(prefix)
