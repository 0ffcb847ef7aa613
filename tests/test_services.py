"""Record rules that every entry point shares: dates, abstracts, status,
author order and audit history."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from publications import services, stats
from publications.dates import PartialDate
from publications.models import Authorship, Publication
from tests.factories import DocumentTypeFactory, PersonFactory, PublicationFactory


def draft(**fields) -> Publication:
    fields.setdefault("pub_year", 2013)
    fields.setdefault("title", "A record")
    return Publication(document_type=DocumentTypeFactory(), **fields)


@pytest.mark.parametrize(
    ("text", "shown", "iso"),
    [
        ("2013", "2013", "2013"),
        ("2013 Jun", "2013 Jun", "2013-06"),
        ("2013 June 12", "2013 Jun 12", "2013-06-12"),
        ("2013-06", "2013 Jun", "2013-06"),
        ("2013-06-12", "2013 Jun 12", "2013-06-12"),
        ("2013 Jun.", "2013 Jun", "2013-06"),
    ],
)
def test_partial_dates_read_and_display_as_sources_print_them(text, shown, iso):
    date = PartialDate.parse(text)
    assert (str(date), date.iso) == (shown, iso)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("June 2013", "“June 2013” is not a date."),
        ("2013 Juno", "“Juno” is not a month name."),
        ("2013-13", "13 is not a month (1 to 12)."),
        ("2013-02-29", "Feb 2013 has no day 29."),
        ("0999", "The year 999 is out of range."),
    ],
)
def test_bad_partial_dates_are_refused_with_a_message(text, message):
    with pytest.raises(ValidationError) as caught:
        PartialDate.parse(text)
    assert message in " ".join(caught.value.messages)


def test_partial_dates_sort_year_before_its_months_and_after_the_year_before():
    dates = [
        PartialDate.parse(t) for t in ["2013 Jun", "2012 Dec 31", "2013", "2013 Jan 5"]
    ]
    ordered = sorted(dates, key=lambda d: d.sort_key, reverse=True)
    assert [str(d) for d in ordered] == [
        "2013 Jun",
        "2013 Jan 5",
        "2013",
        "2012 Dec 31",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pub_month": 13}, "pub_month", "13 is not a month (1 to 12)."),
        ({"pub_month": 2, "pub_day": 30}, "pub_day", "Feb 2013 has no day 30."),
        ({"pub_day": 3}, "pub_day", "A day needs a month."),
        ({"pub_year": 20130}, "pub_year", "The year 20130 is out of range."),
    ],
)
def test_a_record_with_an_impossible_date_is_refused(fields, field, message):
    with pytest.raises(ValidationError) as caught:
        services.publication_save(publication=draft(**fields))
    assert caught.value.message_dict[field] == [message]
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_saving_a_record_keeps_its_sort_key_and_slug_current():
    publication = services.publication_save(
        publication=draft(title="Advances in HLH: a review", pub_month=6)
    )
    assert (publication.date_sort, publication.slug) == (
        20130600,
        "advances-in-hlh-a-review",
    )
    publication.pub_day = 12
    services.publication_save(publication=publication)
    publication.refresh_from_db()
    assert publication.date_sort == 20130612


@pytest.mark.django_db
def test_abstract_html_is_reduced_to_the_safe_subset_on_save():
    publication = services.publication_save(
        publication=draft(
            abstract=(
                '<p onclick="steal()">CO<sub>2</sub> and <i>E. coli</i> '
                '<a href="javascript:x">link</a><script>alert(1)</script></p>'
                "<style>p{}</style><img src=x onerror=alert(2)><b>Bold</b>"
            )
        )
    )
    publication.refresh_from_db()
    assert publication.abstract == (
        "<p>CO<sub>2</sub> and <i>E. coli</i> link</p><b>Bold</b>"
    )


@pytest.mark.django_db
def test_publishing_stamps_the_first_publication_time_once():
    publication = services.publication_save(publication=draft())
    assert publication.first_published_at is None
    services.publication_publish(publication=publication)
    first = publication.first_published_at
    assert first is not None
    services.publication_withdraw(publication=publication, note="Duplicate record.")
    services.publication_publish(publication=publication)
    assert publication.first_published_at == first
    assert publication.withdrawal_note == ""


@pytest.mark.django_db
def test_withdrawing_needs_a_note_readers_will_see():
    publication = PublicationFactory()
    with pytest.raises(ValidationError) as caught:
        services.publication_withdraw(publication=publication, note="  ")
    assert "withdrawal_note" in caught.value.message_dict
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    services.publication_withdraw(
        publication=publication, note="Retracted by the journal."
    )
    publication.refresh_from_db()
    assert publication.status == Publication.Status.WITHDRAWN
    assert publication.withdrawn_at is not None


@pytest.mark.django_db
def test_only_published_records_are_visible_to_readers():
    shown = PublicationFactory()
    PublicationFactory(status=Publication.Status.DRAFT)
    withdrawn = PublicationFactory()
    services.publication_withdraw(publication=withdrawn, note="Withdrawn.")
    assert list(Publication.objects.published()) == [shown]


# Serialized rollback, as every transactional test here: a plain flush would
# make the content types again under new ids, which later serialized tests
# then could not restore.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cached_counts_follow_every_write():
    PublicationFactory(pub_year=2012)
    assert stats.published_year_counts() == [(2012, 1)]
    PublicationFactory(pub_year=2013)
    hidden = PublicationFactory(pub_year=2013)
    assert stats.published_year_counts() == [(2013, 2), (2012, 1)]
    services.publication_withdraw(publication=hidden, note="Withdrawn.")
    assert stats.published_count() == 2


@pytest.mark.django_db
def test_authors_can_be_reordered_without_colliding_positions():
    publication = PublicationFactory(authors=3)
    first, second, third = publication.authorships.order_by("position")
    services.authorships_save(
        publication=publication, authorships=[third, first, second]
    )
    assert list(
        publication.authorships.order_by("position").values_list("pk", "position")
    ) == [(third.pk, 1), (first.pk, 2), (second.pk, 3)]


@pytest.mark.django_db
def test_saving_an_author_list_adds_and_removes_authors():
    publication = PublicationFactory(authors=2)
    first, second = publication.authorships.order_by("position")
    newcomer = Authorship(person=PersonFactory(), name_as_printed="New A")
    services.authorships_save(
        publication=publication, authorships=[newcomer, first], deleted=[second]
    )
    assert [
        a.name_as_printed for a in publication.authorships.order_by("position")
    ] == [
        "New A",
        first.name_as_printed,
    ]


@pytest.mark.django_db
def test_every_change_is_kept_in_the_audit_history_with_who_and_what():
    curator = get_user_model().objects.create_user("curator")
    publication = services.publication_save(
        publication=draft(title="Old"), user=curator
    )
    publication.title = "New"
    publication.epub_date = datetime.date(2013, 4, 12)
    services.publication_save(publication=publication, user=curator, reason="Typo")
    latest, earliest = publication.history.order_by("-history_id")[:2]
    delta = latest.diff_against(earliest)
    changes = {change.field: (change.old, change.new) for change in delta.changes}
    assert changes["title"] == ("Old", "New")
    assert changes["epub_date"] == (None, datetime.date(2013, 4, 12))
    assert (latest.history_user, latest.history_change_reason) == (curator, "Typo")


@pytest.mark.django_db
def test_people_and_keywords_created_together_get_slugs_no_row_has():
    from publications.models import Keyword, Person

    PersonFactory(family_name="Smith", given_names="John", slug="smith-john")
    PersonFactory(family_name="Smith", given_names="J.", slug="smith-john-2")
    # A slug that a LIKE prefix with an unescaped "_" would also match.
    PersonFactory(family_name="Other", given_names="", slug="o-malley-2")
    Keyword.objects.create(
        term="Sepsis", vocabulary=Keyword.Vocabulary.MESH, slug="sepsis"
    )
    people = [
        Person(family_name="Smith", given_names="John"),
        Person(family_name="Smith", given_names="John"),
        Person(family_name="Jones", given_names="Ann"),
        Person(family_name="O_Malley", given_names=""),
    ]
    keywords = [
        Keyword(term="Sepsis", vocabulary=Keyword.Vocabulary.AUTHOR),
        Keyword(term="Shock, Septic"),
    ]

    services.references_create_bulk(people=people, keywords=keywords)

    assert [p.slug for p in people] == [
        "smith-john-3",
        "smith-john-4",
        "jones-ann",
        "o_malley",
    ]
    assert [k.slug for k in keywords] == ["sepsis-2", "shock-septic"]
    assert Person.objects.filter(slug__startswith="smith-john").count() == 4
