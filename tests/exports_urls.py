"""The site's URLs plus the citation-file URLs, for the export tests."""

from django.urls import include, path

from publications.views import exports

urlpatterns = [
    path("publications/<int:pk>/cite.bib", exports.cite, {"fmt": "bibtex"}),
    path("publications/<int:pk>/cite.ris", exports.cite, {"fmt": "ris"}),
    path("publications/<int:pk>/cite.json", exports.cite, {"fmt": "csl-json"}),
    path("publications/<int:pk>/cite.xml", exports.cite, {"fmt": "endnote"}),
    path("", include("publications.urls")),
]
