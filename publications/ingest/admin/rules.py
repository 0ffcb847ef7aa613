"""Affiliation rules: which department an author's affiliation as printed
places them in. The list has a small form to try an affiliation against
the active rules, answering with the departments it matches."""

from django.contrib import admin

from ..affiliations import AffiliationRules
from ..forms import AffiliationTestForm
from ..models import AffiliationRule

# The changelist reads its GET parameters as filters; this one is the
# tester's and is taken out before the changelist sees it.
TEST_PARAMETER = "affiliation"


@admin.register(AffiliationRule)
class AffiliationRuleAdmin(admin.ModelAdmin):
    list_display = ["pattern", "department", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["department"]
    search_fields = ["pattern", "department__name"]
    autocomplete_fields = ["department"]
    fields = ["pattern", "department", "position", "is_active"]
    list_per_page = 100

    def changelist_view(self, request, extra_context=None):
        tester = self._test_affiliation(request)
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), **tester}
        )

    def _test_affiliation(self, request) -> dict:
        if TEST_PARAMETER not in request.GET:
            return {"affiliation_form": AffiliationTestForm()}
        query = request.GET.copy()
        form = AffiliationTestForm({TEST_PARAMETER: query.pop(TEST_PARAMETER)[-1]})
        request.GET = query
        if not form.is_valid():
            return {"affiliation_form": form}
        text = form.cleaned_data[TEST_PARAMETER]
        return {
            "affiliation_form": form,
            "affiliation_tested": text,
            # The import's own rule: the same matching as planning a batch does.
            "affiliation_matches": AffiliationRules().departments([text]),
        }
