import factory
from factory.django import DjangoModelFactory

from publications import services
from publications.models import (
    Authorship,
    Department,
    DocumentType,
    Keyword,
    Person,
    Publication,
    PublicationDepartment,
    Subject,
    Venue,
)


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department of Studies {n}")
    slug = factory.Sequence(lambda n: f"department-of-studies-{n}")


class SubjectFactory(DjangoModelFactory):
    class Meta:
        model = Subject

    name = factory.Sequence(lambda n: f"Discipline {n}")
    slug = factory.Sequence(lambda n: f"discipline-{n}")
    depth = 1


class KeywordFactory(DjangoModelFactory):
    class Meta:
        model = Keyword

    term = factory.Sequence(lambda n: f"Keyword {n}")
    slug = factory.Sequence(lambda n: f"keyword-{n}")
    vocabulary = Keyword.Vocabulary.AUTHOR


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    given_names = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    slug = factory.Sequence(lambda n: f"person-{n}")


class VenueFactory(DjangoModelFactory):
    class Meta:
        model = Venue

    title = factory.Sequence(lambda n: f"Journal of Examples {n}")
    abbreviation = factory.Sequence(lambda n: f"J Ex {n}")


class DocumentTypeFactory(DjangoModelFactory):
    class Meta:
        model = DocumentType
        django_get_or_create = ("slug",)

    name = "Article"
    slug = "article"


class PublicationFactory(DjangoModelFactory):
    """A published record, saved through the service layer."""

    class Meta:
        model = Publication
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"A study of example number {n}")
    pub_year = 2020
    document_type = factory.SubFactory(DocumentTypeFactory)
    venue = factory.SubFactory(VenueFactory)
    volume = "12"
    issue = "3"
    pages = "45-67"
    abstract = "<p>An abstract.</p>"
    status = Publication.Status.PUBLISHED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.publication_save(publication=model_class(*args, **kwargs))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        """authors=N adds N authors; authors=[Person, ...] adds those."""
        if not create or not extracted:
            return
        people = (
            PersonFactory.create_batch(extracted)
            if isinstance(extracted, int)
            else extracted
        )
        for position, person in enumerate(people, 1):
            Authorship.objects.create(
                publication=self,
                person=person,
                position=position,
                name_as_printed=f"{person.family_name} {person.given_names[:1]}",
            )

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            for position, department in enumerate(extracted, 1):
                PublicationDepartment.objects.create(
                    publication=self, department=department, position=position
                )
