"""Template tags for includes/pager.html: page links that keep the other
query parameters (filters, search terms) of the page they are on."""

from django import template
from django.core.paginator import Page

register = template.Library()

PAGES_EACH_SIDE = 2
PAGES_AT_ENDS = 1


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current URL's query string with `page` set; page 1 has none."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if number != 1:
        query["page"] = number
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@register.simple_tag
def page_window(page: Page) -> list:
    """Page numbers near the current one and at both ends, with the
    paginator's ellipsis where numbers are left out: 1 … 4 5 6 7 8 … 20."""
    return list(
        page.paginator.get_elided_page_range(
            page.number, on_each_side=PAGES_EACH_SIDE, on_ends=PAGES_AT_ENDS
        )
    )
