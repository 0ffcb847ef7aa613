"""Reading the `?page=` parameter: a page that does not exist is a 404."""

from django.core.paginator import InvalidPage, Page, Paginator
from django.http import Http404


def page_or_404(paginator: Paginator, number: str | None) -> Page:
    """The page asked for; the first when none is asked for.

    Anything but a whole number from 1 to the last page ("abc", "0", "-1",
    "1.5", a number past the end) is Http404, never a server error.
    """
    if number is None:
        number = 1
    try:
        return paginator.page(number)
    except (InvalidPage, OverflowError) as error:
        raise Http404(f"There is no page {number!s:.20} here.") from error
