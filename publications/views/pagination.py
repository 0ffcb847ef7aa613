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


def page_number_or_404(value: str | None, last: int) -> int:
    """`?page=` read without a paginator: a whole number from 1 to `last`."""
    if value is None:
        return 1
    if not value.isascii() or not value.isdigit() or len(value) > 6:
        raise Http404("There is no such page.")
    number = int(value)
    if not 1 <= number <= last:
        raise Http404("There is no such page.")
    return number


def ignored_filter_messages(form) -> list[str]:
    """One message per filter that was ignored, naming the filter."""
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        messages.extend(f"Ignored {label}: {error}" for error in errors)
    return messages
