"""Reads: what readers may see and the joins each page needs, in one place."""

from django.db import models


class PublicationQuerySet(models.QuerySet):
    def published(self):
        """The one rule for what readers see: pages, feeds, sitemaps, search, OAI."""
        return self.filter(status="published")

    def newest_first(self):
        # Matches the pub_listing_idx index (date_sort desc, id desc).
        return self.order_by("-date_sort", "-id")

    def for_listing(self):
        """A listing entry: title, authors as printed, source line, type, venue."""
        from .models import Authorship

        return self.select_related("venue", "document_type").prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person").order_by(
                    "position"
                ),
            )
        )

    def for_record(self):
        """Everything the record page shows, in a fixed number of queries."""
        from .models import Authorship, PublicationDepartment, Subject

        return self.select_related("venue", "document_type").prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("person").order_by(
                    "position"
                ),
            ),
            models.Prefetch(
                "department_links",
                queryset=PublicationDepartment.objects.select_related(
                    "department"
                ).order_by("position", "id"),
            ),
            models.Prefetch("subjects", queryset=Subject.objects.order_by("name")),
            "keywords",
            "related_links",
        )
