"""manage.py load_disciplines: the three-tier discipline taxonomy from CSV."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.text import slugify

from publications.demo.seed import seed_record_load
from publications.models import Subject

HEADER = "tier1,tier2,tier3,level,source\n"
SEED_PATH = ("Medicine and Health Sciences", "Diseases", "Hemic and Lymphatic Diseases")

pytestmark = pytest.mark.django_db


def load(path, **options) -> str:
    out = StringIO()
    call_command("load_disciplines", str(path), stdout=out, **options)
    return out.getvalue()


def csv_file(tmp_path, text: str, name: str = "disciplines.csv"):
    path = tmp_path / name
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def path_of(subject: Subject) -> tuple[str, ...]:
    names = []
    while subject is not None:
        names.append(subject.name)
        subject = subject.parent
    return tuple(reversed(names))


def snapshot() -> list[tuple]:
    return list(
        Subject.objects.order_by("pk").values_list(
            "pk", "name", "slug", "parent_id", "depth"
        )
    )


def test_the_bepress_taxonomy_loads_every_discipline_in_its_place(shared_data):
    output = load(shared_data("bepress_disciplines.csv"))

    assert "Disciplines: 1,239 created, 0 updated, 0 unchanged." in output
    assert Subject.objects.count() == 1239
    assert [Subject.objects.filter(depth=d).count() for d in (1, 2, 3)] == [
        10,
        358,
        871,
    ]
    assert not Subject.objects.filter(depth=1, parent__isnull=False).exists()
    for depth in (2, 3):
        assert (
            not Subject.objects.filter(depth=depth)
            .exclude(parent__depth=depth - 1)
            .exists()
        )
    hemic = Subject.objects.get(name=SEED_PATH[-1])
    assert (path_of(hemic), hemic.depth) == (SEED_PATH, 3)
    assert all(
        slug == slugify(name)
        for name, slug in Subject.objects.values_list("name", "slug")
    )
    # The three 2017 renames are there under their new names only.
    assert Subject.objects.filter(name="Information Security").exists()
    assert not Subject.objects.filter(name="Computer Security").exists()


def test_a_second_load_changes_nothing_and_says_so(shared_data):
    path = shared_data("bepress_disciplines.csv")
    load(path)
    before = snapshot()

    output = load(path)

    assert "0 created, 0 updated, 1,239 unchanged; nothing to change." in output
    assert snapshot() == before


def test_disciplines_the_seed_record_created_are_kept_not_duplicated(shared_data):
    seed = seed_record_load()
    hemic = seed.subjects.get(name=SEED_PATH[-1])

    output = load(shared_data("bepress_disciplines.csv"))

    assert Subject.objects.count() == 1239
    assert Subject.objects.get(name=SEED_PATH[-1]).pk == hemic.pk
    assert "1,234 created, 0 updated, 5 unchanged." in output


def test_a_renamed_discipline_renames_the_existing_node(tmp_path):
    tree = (
        "Physical Sciences and Mathematics,,,1,osf-2016\n"
        "Physical Sciences and Mathematics,Computer Sciences,,2,osf-2016\n"
    )
    load(
        csv_file(
            tmp_path,
            tree + "Physical Sciences and Mathematics,Computer Sciences,"
            "Computer Security,3,osf-2016\n",
            "2016.csv",
        )
    )
    old = Subject.objects.get(name="Computer Security")

    output = load(
        csv_file(
            tmp_path,
            tree + "Physical Sciences and Mathematics,Computer Sciences,"
            "Information Security,3,osf-2016; renamed 2017 (was: Computer Security)\n",
            "2017.csv",
        )
    )

    renamed = Subject.objects.get(pk=old.pk)
    assert (renamed.name, renamed.slug, renamed.depth) == (
        "Information Security",
        "information-security",
        3,
    )
    assert renamed.parent.name == "Computer Sciences"
    assert Subject.objects.count() == 3
    assert "0 created, 1 updated, 2 unchanged." in output


def test_a_later_file_may_add_nodes_under_parents_already_loaded(tmp_path):
    load(csv_file(tmp_path, "Education,,,1,osf-2016\n", "first.csv"))

    load(csv_file(tmp_path, "Education,Outdoor Education,,2,bepress 2017\n"))

    outdoor = Subject.objects.get(name="Outdoor Education")
    assert path_of(outdoor) == ("Education", "Outdoor Education")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            b"tier1,tier2,level,source\nEducation,,1,osf\n",
            ["Row 1", "column “tier3”", "missing column(s) tier3"],
            id="missing column",
        ),
        pytest.param(
            (
                HEADER + "Education,,,1,x\nLaw,Legal Studies,Legal History,3,x\n"
            ).encode(),
            ["Row 3", "tier1", "“Law” is neither in the file nor in the database"],
            id="tier-3 row without its parents",
        ),
        pytest.param(
            (HEADER + "Law,,,1,x\nLaw,Legal Studies,Legal History,3,x\n").encode(),
            ["Row 3", "tier2", "“Law > Legal Studies” is neither in the file"],
            id="tier-3 row without its tier-2 parent",
        ),
        pytest.param(
            (HEADER + "Education,,,1,x\nEducation,Outdoor Education,,3,x\n").encode(),
            ["Row 3", "level", "the level is 3 but the row names 2 tier(s)"],
            id="wrong level",
        ),
        pytest.param(
            (HEADER + "Education,,,one,x\n").encode(),
            ["Row 2", "level", "“one” is not a level"],
            id="level not a number",
        ),
        pytest.param(
            (HEADER + ",Outdoor Education,,2,x\n").encode(),
            ["Row 2", "tier1", "every row needs a tier-1 name"],
            id="empty tier 1",
        ),
        pytest.param(
            (HEADER + "Education,,,1,x\nEducation,,,1,x\n").encode(),
            ["Row 3", "tier1", "already in row 2"],
            id="duplicate row",
        ),
        pytest.param(b"", ["Row 1", "the file is empty"], id="empty file"),
        pytest.param(
            HEADER.encode(), ["Row 2", "a header but no rows"], id="header only"
        ),
        pytest.param(
            HEADER.encode() + b"Education,,,1,x\nCaf\xe9 Studies,,,1,x\n",
            ["Row 3", "not UTF-8"],
            id="not UTF-8",
        ),
    ],
)
def test_bad_input_names_row_and_column_and_writes_nothing(tmp_path, content, expected):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(CommandError) as caught:
        load(path)

    message = str(caught.value)
    for part in expected:
        assert part in message
    assert Subject.objects.count() == 0


def test_a_clash_found_while_writing_rolls_back_every_tier(tmp_path):
    # A root named like a tier-2 discipline holds its slug; the clash shows
    # only after tier 1 was written, which must be undone.
    Subject.objects.create(name="Diseases", slug="diseases", depth=1)
    path = csv_file(
        tmp_path,
        "Medicine and Health Sciences,,,1,x\n"
        "Medicine and Health Sciences,Diseases,,2,x\n",
    )

    with pytest.raises(CommandError) as caught:
        load(path)

    assert "Row 3" in str(caught.value)
    assert "the slug diseases of “Diseases” is taken by subject" in str(caught.value)
    assert list(Subject.objects.values_list("name", flat=True)) == ["Diseases"]


def test_a_missing_file_is_reported_not_raised(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        load(tmp_path / "nowhere.csv")
