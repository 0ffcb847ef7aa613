"""Page numbers that stay fast at any depth.

A plain OFFSET walks every row before the page: at a million records the last
page reads a million index entries. Listings are ordered newest first by
(date_sort, id) and the number of records per month is known (and cached),
so the paginator jumps to the month a page starts in with an index range and
offsets only within that month (a few thousand rows at most).
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class DateIndexedPaginator(Paginator):
    def __init__(self, object_list, per_page, month_counts, **kwargs):
        """`object_list` is ordered newest first by (date_sort, id);
        `month_counts` is [(yyyymm, count)] for the same rows, newest first."""
        super().__init__(object_list, per_page, **kwargs)
        self.month_counts = month_counts

    @cached_property
    def count(self) -> int:
        return sum(n for _, n in self.month_counts)

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = self.object_list
        skipped = 0
        for month, n in self.month_counts:
            if skipped + n > offset:
                # Rows of this month and older; date_sort is yyyymmdd.
                rows = rows.filter(date_sort__lt=(month + 1) * 100)
                break
            skipped += n
        start = offset - skipped
        return self._get_page(list(rows[start : start + self.per_page]), number, self)
