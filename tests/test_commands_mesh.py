"""manage.py load_mesh: MeSH headings as controlled keywords."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from publications.demo.seed import seed_record_load
from publications.models import Keyword

HEADER = "name,descriptor_ui_2017,tree_numbers,categories\n"

pytestmark = pytest.mark.django_db


def load(path, **options) -> str:
    out = StringIO()
    call_command("load_mesh", str(path), stdout=out, **options)
    return out.getvalue()


def csv_file(tmp_path, rows: str, name: str = "mesh.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def snapshot() -> list[tuple]:
    return list(
        Keyword.objects.order_by("pk").values_list(
            "pk", "term", "slug", "vocabulary", "identifier"
        )
    )


def test_the_2023_headings_load_as_mesh_keywords(shared_data):
    output = load(shared_data("mesh_descriptors_2023.csv"))

    assert "MeSH headings: 30,452 created, 0 updated, 0 unchanged." in output
    mesh = Keyword.objects.filter(vocabulary=Keyword.Vocabulary.MESH)
    assert mesh.count() == 30452
    hlh = mesh.get(identifier="D051359")
    assert (hlh.term, hlh.slug) == (
        "Lymphohistiocytosis, Hemophagocytic",
        "lymphohistiocytosis-hemophagocytic",
    )
    # Headings new since 2017 have no UI in the file: NULL, not "".
    assert mesh.filter(identifier__isnull=True).count() == 2370
    assert not mesh.filter(identifier="").exists()
    assert not Keyword.objects.values("slug").annotate(n=Count("pk")).filter(n__gt=1)


def test_headings_whose_slugs_collide_get_their_ui_appended(shared_data):
    load(shared_data("mesh_descriptors_2023.csv"))

    # "Cytochromes c" and "Cytochromes c'" both slugify to cytochromes-c.
    slugs = dict(
        Keyword.objects.filter(
            term__in=["Cytochromes c", "Cytochromes c'"]
        ).values_list("term", "slug")
    )
    assert slugs == {
        "Cytochromes c": "cytochromes-c",
        "Cytochromes c'": "cytochromes-c-d045305",
    }


def test_a_second_load_changes_nothing_and_says_so(shared_data):
    path = shared_data("mesh_descriptors_2023.csv")
    load(path)
    before = snapshot()

    output = load(path)

    assert "0 created, 0 updated, 30,452 unchanged; nothing to change." in output
    assert snapshot() == before


def test_the_seed_records_heading_is_matched_not_duplicated(shared_data):
    seed_keyword = seed_record_load().keywords.get()

    load(shared_data("mesh_descriptors_2023.csv"))

    assert Keyword.objects.filter(identifier="D051359").get().pk == seed_keyword.pk
    assert Keyword.objects.count() == 30452


def test_headings_are_matched_by_ui_first_then_by_term(tmp_path):
    load(csv_file(tmp_path, "Old Name,D000001,A01,A\nNo UI Yet,,A02,A\n", "v1.csv"))
    renamed = Keyword.objects.get(identifier="D000001")
    gains_ui = Keyword.objects.get(term="No UI Yet")

    output = load(
        csv_file(tmp_path, "New Name,D000001,A01,A\nNo UI Yet,D000002,A02,A\n")
    )

    renamed.refresh_from_db()
    gains_ui.refresh_from_db()
    assert (renamed.term, renamed.slug) == ("New Name", "new-name")
    assert gains_ui.identifier == "D000002"
    assert Keyword.objects.count() == 2
    assert "0 created, 2 updated, 0 unchanged." in output


def test_an_author_keyword_with_the_same_term_is_left_alone(tmp_path):
    author = Keyword.objects.create(
        term="Asthma", slug="asthma", vocabulary=Keyword.Vocabulary.AUTHOR
    )

    load(csv_file(tmp_path, "Asthma,D001249,C08.127.108,C\n"))

    mesh = Keyword.objects.get(vocabulary=Keyword.Vocabulary.MESH)
    assert (mesh.term, mesh.slug) == ("Asthma", "asthma-d001249")
    assert Keyword.objects.get(pk=author.pk).vocabulary == Keyword.Vocabulary.AUTHOR


def test_at_verbosity_0_only_the_summary_line_is_printed(tmp_path):
    output = load(csv_file(tmp_path, "Asthma,D001249,C08,C\n"), verbosity=0)

    assert output == "MeSH headings: 1 created, 0 updated, 0 unchanged.\n"


def test_without_a_terminal_progress_is_printed_as_plain_lines(tmp_path):
    rows = "".join(f"Heading {n},D{n:06d},A01,A\n" for n in range(1, 101))

    output = load(csv_file(tmp_path, rows))

    assert "MeSH headings: 100/100 (100%)" in output
    assert "Writing: 100/100 (100%)" in output
    assert output.endswith("MeSH headings: 100 created, 0 updated, 0 unchanged.\n")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(",D000001,A01,A\n", ["Row 3", "“name”", "empty"], id="empty name"),
        pytest.param(
            "Bronchitis,X001249,C08,C\n",
            ["Row 3", "“descriptor_ui_2017”", "“X001249” is not a MeSH descriptor UI"],
            id="malformed UI",
        ),
        pytest.param(
            "Asthma,D001249,C08,C\n",
            ["Row 3", "“name”", "“Asthma” is already in row 2"],
            id="duplicate heading",
        ),
        pytest.param(
            "Bronchitis,D000001,C08,C\n",
            ["Row 3", "“descriptor_ui_2017”", "D000001 is already in row 2"],
            id="duplicate UI",
        ),
        pytest.param(
            "x" * 256 + ",D001250,C08,C\n",
            ["Row 3", "“name”", "longer than 255 characters"],
            id="heading too long",
        ),
    ],
)
def test_bad_rows_name_row_and_column_and_write_nothing(tmp_path, rows, expected):
    path = csv_file(tmp_path, "Asthma,D000001,C08,C\n" + rows)

    with pytest.raises(CommandError) as caught:
        load(path)

    for part in expected:
        assert part in str(caught.value)
    assert Keyword.objects.count() == 0


def test_a_file_without_the_ui_column_is_refused(tmp_path):
    path = tmp_path / "mesh.csv"
    path.write_text("name,tree_numbers\nAsthma,C08\n", encoding="utf-8")

    with pytest.raises(CommandError, match="Row 1, column “descriptor_ui_2017”"):
        load(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "mesh.csv"
    path.write_bytes(HEADER.encode() + b"Asthma,D001249,C08,C\nS\xe9psis,,C01,C\n")

    with pytest.raises(CommandError, match="Row 3: the file is not UTF-8"):
        load(path)
    assert Keyword.objects.count() == 0


def test_a_ui_conflict_with_an_existing_keyword_is_refused(tmp_path):
    load(csv_file(tmp_path, "Asthma,D001249,C08,C\n", "v1.csv"))

    with pytest.raises(CommandError) as caught:
        load(csv_file(tmp_path, "Bronchitis,D000002,C08,C\nAsthma,D009999,C08,C\n"))

    assert "Row 3, column “descriptor_ui_2017”" in str(caught.value)
    assert "already keyword" in str(caught.value)
    assert list(Keyword.objects.values_list("term", flat=True)) == ["Asthma"]
