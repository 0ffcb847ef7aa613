"""Curators' changes to what records refer to reach the records: search
finds the new name and the records' harvest datestamps move."""

import datetime

import pytest
from django.utils import timezone

from publications.models import Keyword, Publication
from tests.factories import KeywordFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_renaming_a_keyword_in_the_admin_updates_its_records(
    admin_client, django_capture_on_commit_callbacks
):
    keyword = KeywordFactory(term="Haemophagocytosis", slug="haemophagocytosis")
    with django_capture_on_commit_callbacks(execute=True):
        record = PublicationFactory(title="A case series")
        record.keywords.add(keyword)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Publication.objects.filter(pk=record.pk).update(updated_at=long_ago)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/publications/keyword/{keyword.pk}/change/",
            {
                "term": "Hemophagocytosis",
                "slug": "hemophagocytosis",
                "vocabulary": Keyword.Vocabulary.AUTHOR,
                "identifier": "",
            },
        )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.updated_at > long_ago
    found = admin_client.get("/search/", {"q": "hemophagocytosis"})
    assert [p.title for _, p in found.context["page_obj"]] == ["A case series"]


def test_deleting_a_keyword_in_the_admin_removes_it_from_search(
    admin_client, django_capture_on_commit_callbacks
):
    keyword = KeywordFactory(term="Perforin", slug="perforin")
    with django_capture_on_commit_callbacks(execute=True):
        PublicationFactory(title="A cytotoxicity study").keywords.add(keyword)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/publications/keyword/{keyword.pk}/delete/", {"post": "yes"}
        )

    assert not Keyword.objects.exists()
    found = admin_client.get("/search/", {"q": "perforin"})
    assert list(found.context["page_obj"]) == []
