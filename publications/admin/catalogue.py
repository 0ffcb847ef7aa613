"""Admins of what records point to: people, venues, keywords, and the
departments, subjects and document types an administrator maintains. Each
has the search fields the record form's autocomplete boxes use."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from .. import services
from ..forms import PersonAdminForm
from ..identifiers import normalize_orcid
from ..models import Department, DocumentType, Keyword, Person, Subject, Venue


class SavedThroughServices(admin.ModelAdmin):
    """Saves and deletes go through the service functions named
    `<model>_save` / `<model>_delete`, so the records that refer to the
    object are reindexed and their harvest datestamps move."""

    def _service(self, action: str):
        return getattr(services, f"{self.opts.model_name}_{action}", None)

    def save_model(self, request, obj, form, change):
        self._service("save")(**{self.opts.model_name: obj}, user=request.user)

    def delete_model(self, request, obj):
        delete = self._service("delete")
        if delete is None:
            return super().delete_model(request, obj)
        return delete(**{self.opts.model_name: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Person)
class PersonAdmin(SavedThroughServices):
    form = PersonAdminForm
    list_display = ["sort_name", "orcid", "is_local"]
    list_filter = ["is_local"]
    search_fields = ["family_name", "given_names", "=orcid"]
    search_help_text = "Family or given name, or an ORCID iD (also as a link)."
    fields = [
        "given_names",
        "family_name",
        "suffix",
        "orcid",
        "is_local",
        "departments",
    ]
    # The slug is made from the name once and then kept: it is the author
    # page's URL.
    readonly_fields = ["slug"]
    autocomplete_fields = ["departments"]

    @admin.display(description="name", ordering="family_name")
    def sort_name(self, obj: Person) -> str:
        return obj.sort_name

    def get_fields(self, request, obj=None):
        return [*self.fields, "slug"] if obj else self.fields

    def get_search_results(self, request, queryset, search_term):
        try:
            orcid = normalize_orcid(search_term)
        except ValidationError:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(orcid=orcid), False


@admin.register(Venue)
class VenueAdmin(SavedThroughServices):
    list_display = ["title", "abbreviation", "issn", "eissn", "publisher"]
    search_fields = ["title", "abbreviation", "=issn", "=eissn"]


@admin.register(Keyword)
class KeywordAdmin(SavedThroughServices):
    list_display = ["term", "vocabulary", "identifier"]
    list_filter = ["vocabulary"]
    search_fields = ["term", "identifier"]
    prepopulated_fields = {"slug": ["term"]}


@admin.register(Department)
class DepartmentAdmin(SavedThroughServices):
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subject)
class SubjectAdmin(SavedThroughServices):
    list_display = ["name", "parent", "depth"]
    list_filter = ["depth"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "csl_type", "bibtex_type", "ris_type"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
