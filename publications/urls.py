from django.urls import path, re_path

from . import feeds
from .oai import views as oai
from .views import browse, crawlers, exports, home, listing, record, search

app_name = "publications"

urlpatterns = [
    path("", home.home, name="home"),
    path("publications/", listing.listing, name="listing"),
    path("search/", search.search, name="search"),
    # Browse axes: trees and indexes, then one axis value's records.
    path("departments/", browse.departments, name="departments"),
    path("departments/<slug:slug>/", browse.department, name="department"),
    path("subjects/", browse.subjects, name="subjects"),
    path("subjects/<slug:slug>/", browse.subject, name="subject"),
    path("years/", browse.years, name="years"),
    re_path(r"^years/(?P<yyyy>[0-9]{4})/$", browse.year, name="year"),
    path("types/<slug:slug>/", browse.document_type, name="type"),
    path("keywords/<slug:slug>/", browse.keyword, name="keyword"),
    path("authors/", browse.authors, name="authors"),
    path("authors/<slug:slug>/", browse.author, name="author"),
    # A search's results as one citation file.
    *exports.result_export_paths(
        "search/export", search.search_export, "search_export"
    ),
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
    # The newest records of the collection as one citation file.
    *exports.result_export_paths(
        "publications/export", exports.listing_export, "export"
    ),
    # FAIR Signposting: every link of a record (the page's Link header has a few).
    path("publications/<int:pk>/linkset", record.linkset, name="linkset"),
    path(
        "publications/<int:pk>/linkset.json",
        record.linkset_json,
        name="linkset_json",
    ),
    # Recent additions: the whole collection, a department, a subject.
    path("feeds/recent.rss", feeds.RecentAdditionsFeed(), name="feed_recent_rss"),
    path("feeds/recent.atom", feeds.RecentAdditionsAtom(), name="feed_recent_atom"),
    path(
        "feeds/departments/<slug:slug>.rss",
        feeds.DepartmentFeed(),
        name="feed_department_rss",
    ),
    path(
        "feeds/departments/<slug:slug>.atom",
        feeds.DepartmentAtom(),
        name="feed_department_atom",
    ),
    path(
        "feeds/subjects/<slug:slug>.rss",
        feeds.SubjectFeed(),
        name="feed_subject_rss",
    ),
    path(
        "feeds/subjects/<slug:slug>.atom",
        feeds.SubjectAtom(),
        name="feed_subject_atom",
    ),
    path("oai", oai.endpoint, name="oai"),
    # Crawlers.
    path("robots.txt", crawlers.robots_txt, name="robots_txt"),
    path("sitemap.xml", crawlers.sitemap_index, name="sitemap_index"),
    path("sitemaps/pages.xml", crawlers.sitemap_pages, name="sitemap_pages"),
    path(
        "sitemaps/records-<int:block>.xml",
        crawlers.sitemap_records,
        name="sitemap_records",
    ),
]
