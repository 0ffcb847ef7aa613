from django.urls import path

from .views import exports, home, listing, record

app_name = "publications"

urlpatterns = [
    path("", home.home, name="home"),
    path("publications/", listing.listing, name="listing"),
    path("publications/<int:pk>/", record.record, name="record"),
    path("publications/<int:pk>/<slug:slug>/", record.record, name="record_slug"),
    # One citation file per export format: cite.bib, cite.ris, cite.json, cite.xml.
    path(
        "publications/<int:pk>/cite.bib",
        exports.cite,
        {"fmt": "bibtex"},
        name="cite_bibtex",
    ),
    path(
        "publications/<int:pk>/cite.ris", exports.cite, {"fmt": "ris"}, name="cite_ris"
    ),
    path(
        "publications/<int:pk>/cite.json",
        exports.cite,
        {"fmt": "csl-json"},
        name="cite_csl_json",
    ),
    path(
        "publications/<int:pk>/cite.xml",
        exports.cite,
        {"fmt": "endnote"},
        name="cite_endnote",
    ),
]
