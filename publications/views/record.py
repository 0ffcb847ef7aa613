"""The record page: every field of one publication, and its tombstone once
withdrawn; its FAIR Signposting Link header and linksets."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ..citation import doi_url, permanent_url, recommended_citation, source_line
from ..metadata import common, record_head, signposting
from ..models import Authorship, Publication, RelatedLink


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"


def related_resources(publication: Publication) -> list[Link]:
    """ "Related Resources": PubMed and PubMed Central links derived from the
    identifiers, then the curated links, each URL once.

    A curated PubMed (or PMC) link gives way to the one the identifier gives,
    so a page never shows two "Link to Article in PubMed".
    """
    links = []
    derived_kinds = set()
    if publication.pmid:
        links.append(Link("Link to Article in PubMed", pubmed_url(publication.pmid)))
        derived_kinds.add(RelatedLink.Kind.PUBMED)
    if publication.pmcid:
        links.append(
            Link("Link to Article in PubMed Central", pmc_url(publication.pmcid))
        )
        derived_kinds.add(RelatedLink.Kind.PMC)
    for related in publication.related_links.all():
        if related.kind not in derived_kinds:
            links.append(Link(related.label, related.url))
    seen = set()
    unique = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            unique.append(link)
    return unique


def can_preview_drafts(user) -> bool:
    return user.is_staff and user.has_perm("publications.view_publication")


def record(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    # Not published() alone: withdrawn records keep a tombstone and curators
    # preview drafts; the status rules below decide what each reader gets.
    # for_record() loads the whole page in six queries.
    publication = Publication.objects.for_record().filter(pk=pk).first()
    if publication is None:
        raise Http404("No such record.")

    citation = recommended_citation(publication)
    if publication.is_withdrawn:
        return render(
            request,
            "publications/withdrawn.html",
            {"publication": publication, "citation": citation},
            status=410,
        )

    is_preview = not publication.is_published
    if is_preview and not can_preview_drafts(request.user):
        raise Http404("No such record.")

    response = render(
        request,
        "publications/record.html",
        {
            "publication": publication,
            # (name, browse page) pairs: every name leads to its other records.
            "authors": [
                (a.display_name, a.person.get_absolute_url())
                for a in publication.authorships.all()
            ],
            "departments": [
                (link.department.name, link.department.get_absolute_url())
                for link in publication.department_links.all()
            ],
            "keywords": [
                (k.term, k.get_absolute_url()) for k in publication.keywords.all()
            ],
            "disciplines": [
                (s.name, s.get_absolute_url()) for s in publication.subjects.all()
            ],
            "doi_url": doi_url(publication.doi) if publication.doi else "",
            "source": source_line(publication),
            "related_resources": related_resources(publication),
            "citation": citation,
            "canonical_url": permanent_url(publication),
            "is_preview": is_preview,
            # Crawler metadata, signposts and citation files are for
            # published records only: a draft's would point at 404s.
            "head": None if is_preview else record_head(publication),
            "exports": [] if is_preview else common.export_links(publication),
        },
    )
    if is_preview:
        # A draft preview must not sit in a shared cache.
        patch_cache_control(response, private=True, no_store=True)
    else:
        response["Link"] = signposting.link_header(publication)
    return response


def _withdrawn_or_404(pk: int) -> HttpResponse:
    """Withdrawn records keep no signposts: 410, as their page; anything
    else readers cannot see is not found."""
    if not Publication.objects.filter(
        pk=pk, status=Publication.Status.WITHDRAWN
    ).exists():
        raise Http404("No such record.")
    return HttpResponse(
        "This record has been withdrawn.\n",
        status=410,
        content_type="text/plain; charset=utf-8",
    )


def _published_for_signposting(pk: int) -> Publication | None:
    # Two queries: the record with its document type, then its authors'
    # people (for ORCID links); a linkset needs nothing else.
    return (
        Publication.objects.published()
        .select_related("document_type")
        .prefetch_related(
            Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person").order_by(
                    "position"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


@require_safe
def linkset(request: HttpRequest, pk: int) -> HttpResponse:
    """Every signpost of a record as an RFC 9264 text linkset."""
    publication = _published_for_signposting(pk)
    if publication is None:
        return _withdrawn_or_404(pk)
    return HttpResponse(
        signposting.linkset_text(publication),
        content_type=signposting.LINKSET_TYPE,
    )


@require_safe
def linkset_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Every signpost of a record as an RFC 9264 JSON linkset."""
    publication = _published_for_signposting(pk)
    if publication is None:
        return _withdrawn_or_404(pk)
    return JsonResponse(
        signposting.linkset_json(publication),
        content_type=signposting.LINKSET_JSON_TYPE,
    )
