"""The site with REDIS_URL set, as production runs it with more than one
process: cached counts live in the Redis server, and a write drops them."""

import pytest
import redis
from django.urls import reverse

from publications import services
from publications.models import DocumentType
from tests.conftest import REDIS_URL
from tests.html import parse_valid_html, text

pytestmark = pytest.mark.django_db


def home_count(client) -> str:
    page = parse_valid_html(client.get(reverse("publications:home")).content)
    return text(page.find(".//p[@class='collection-size']/strong"))


def new_record(title: str):
    return services.publication_create(
        title=title,
        pub_year=2021,
        document_type=DocumentType.objects.get(name="Article"),
        status="published",
    )


def test_counts_are_cached_in_redis_and_dropped_by_a_write(client, redis_cache):
    new_record("A first paper")
    assert home_count(client) == "1"
    keys = redis.Redis.from_url(REDIS_URL).keys(f"{redis_cache}:*")
    assert any(b":publications:stats:" in key for key in keys)

    new_record("A second paper")

    assert home_count(client) == "2"
