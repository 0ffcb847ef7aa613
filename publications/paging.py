"""Page numbers that stay fast at any depth.

A plain OFFSET walks every row before the page: at a million records the last
page reads a million index entries. Listings are ordered newest first by
(date_sort, id) and the number of records per year is known (and cached), so
the paginator jumps to the year a page starts in with an index range and
offsets only within that year.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class YearIndexedPaginator(Paginator):
    def __init__(self, object_list, per_page, year_counts, **kwargs):
        """`object_list` is ordered newest first; `year_counts` is
        [(year, count)] for the same rows, newest year first."""
        super().__init__(object_list, per_page, **kwargs)
        self.year_counts = year_counts

    @cached_property
    def count(self) -> int:
        return sum(n for _, n in self.year_counts)

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = self.object_list
        skipped = 0
        for year, n in self.year_counts:
            if skipped + n > offset:
                # Rows of this year and older; date_sort is yyyymmdd.
                rows = rows.filter(date_sort__lt=(year + 1) * 10000)
                break
            skipped += n
        start = offset - skipped
        return self._get_page(list(rows[start : start + self.per_page]), number, self)
