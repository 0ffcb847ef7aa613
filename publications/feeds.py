"""RSS 2.0 and Atom 1.0 feeds of recent additions: the whole collection, one
department (with its sub-units) or one subject (with its narrower subjects).

Django's syndication Feed with its hooks overridden. A feed costs a fixed
number of queries whatever it holds: the department or subject and its tree
(per-unit feeds only), the newest records with venue and type, then their
authors, subjects and keywords.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .citation import recommended_citation
from .exports.text import html_to_text, one_line
from .metadata.common import absolute_url, record_url
from .models import Department, Publication, PublicationDepartment, Subject

FEED_LENGTH = 50
DC_NS = "http://purl.org/dc/elements/1.1/"
PublicationSubject = Publication.subjects.through


class RssWithAuthors(Rss201rev2Feed):
    """RSS 2.0 with one dc:creator per author (RSS's own <author> holds one
    e-mail address, which records do not have)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.addQuickElement("dc:creator", name)


class AtomWithAuthors(Atom1Feed):
    """Atom 1.0 with one <author> per author of an entry."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.endElement("author")


def with_descendants(model, root_id: int) -> list[int]:
    """The unit and every unit below it: one query for the whole tree (a few
    thousand rows at most), walked here, safe against a loop in the data."""
    children: dict[int, list[int]] = {}
    for node_id, parent_id in model.objects.order_by().values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(node_id)
    found, stack = set(), [root_id]
    while stack:
        node_id = stack.pop()
        if node_id not in found:
            found.add(node_id)
            stack.extend(children.get(node_id, ()))
    return sorted(found)


class RecentAdditionsFeed(Feed):
    """The newest published records by the day they were first published."""

    feed_type = RssWithAuthors
    route = "publications:feed_recent_rss"  # this feed's own URL, for rel="self"
    description_template = "feeds/item_description.html"

    # The feed itself.

    def title(self, obj) -> str:
        return f"{settings.REPOSITORY['COLLECTION']}: recent additions"

    def link(self, obj) -> str:
        return absolute_url(reverse("publications:home"))

    def feed_url(self, obj) -> str:
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return absolute_url(reverse(self.route, kwargs=kwargs))

    def description(self, obj) -> str:
        return settings.REPOSITORY["DESCRIPTION"]

    def subtitle(self, obj) -> str:
        return self.description(obj)

    def author_name(self, obj) -> str:
        # Atom wants an author for the feed where an entry names none.
        return settings.REPOSITORY["INSTITUTION"]

    # Its records.

    def records_filter(self, obj) -> Q:
        return Q()

    def items(self, obj) -> Iterable[Publication]:
        # Newest first by pub_recent_idx; published records always have a
        # first_published_at (services.publication_save sets it).
        return (
            Publication.objects.published()
            .filter(self.records_filter(obj), first_published_at__isnull=False)
            .order_by("-first_published_at", "-id")
            .for_listing()
            .prefetch_related("subjects", "keywords")[:FEED_LENGTH]
        )

    def item_title(self, item: Publication) -> str:
        # Plain text: the feed writer escapes it for XML once, as it should.
        return one_line(item.title)

    def item_link(self, item: Publication) -> str:
        return record_url(item)

    def item_guid(self, item: Publication) -> str:
        return record_url(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item: Publication) -> datetime:
        return item.first_published_at

    def item_updateddate(self, item: Publication) -> datetime:
        return item.updated_at

    def item_categories(self, item: Publication) -> list[str]:
        return [one_line(s.name) for s in item.subjects.all()] + [
            one_line(k.term) for k in item.keywords.all()
        ]

    def item_extra_kwargs(self, item: Publication) -> dict:
        return {
            "authors": [
                one_line(authorship.person.display_name)
                for authorship in item.authorships.all()
            ]
        }

    def get_context_data(self, **kwargs) -> dict:
        publication = kwargs["item"]
        abstract = html_to_text(publication.abstract)
        return {
            "citation": recommended_citation(publication),
            "paragraphs": [p for p in abstract.split("\n\n") if p],
        }


class RecentAdditionsAtom(RecentAdditionsFeed):
    feed_type = AtomWithAuthors
    route = "publications:feed_recent_atom"


class DepartmentFeed(RecentAdditionsFeed):
    """The newest records of a department and of the units below it."""

    route = "publications:feed_department_rss"

    def get_object(self, request, slug: str) -> Department:
        return get_object_or_404(Department, slug=slug)

    def title(self, obj: Department) -> str:
        return f"{settings.REPOSITORY['COLLECTION']}: {obj.name}"

    def link(self, obj: Department) -> str:
        # The department's page (/departments/<slug>/ in the URL contract).
        return absolute_url(f"/departments/{obj.slug}/")

    def description(self, obj: Department) -> str:
        return f"Recent additions by {obj.name} and the units within it."

    def records_filter(self, obj: Department) -> Q:
        units = with_descendants(Department, obj.pk)
        return Q(
            Exists(
                PublicationDepartment.objects.filter(
                    publication_id=OuterRef("pk"), department_id__in=units
                )
            )
        )


class DepartmentAtom(DepartmentFeed):
    feed_type = AtomWithAuthors
    route = "publications:feed_department_atom"


class SubjectFeed(RecentAdditionsFeed):
    """The newest records of a subject and of its narrower subjects."""

    route = "publications:feed_subject_rss"

    def get_object(self, request, slug: str) -> Subject:
        return get_object_or_404(Subject, slug=slug)

    def title(self, obj: Subject) -> str:
        return f"{settings.REPOSITORY['COLLECTION']}: {obj.name}"

    def link(self, obj: Subject) -> str:
        # The subject's page (/subjects/<slug>/ in the URL contract).
        return absolute_url(f"/subjects/{obj.slug}/")

    def description(self, obj: Subject) -> str:
        return f"Recent additions in {obj.name} and its narrower disciplines."

    def records_filter(self, obj: Subject) -> Q:
        subjects = with_descendants(Subject, obj.pk)
        return Q(
            Exists(
                PublicationSubject.objects.filter(
                    publication_id=OuterRef("pk"), subject_id__in=subjects
                )
            )
        )


class SubjectAtom(SubjectFeed):
    feed_type = AtomWithAuthors
    route = "publications:feed_subject_atom"
