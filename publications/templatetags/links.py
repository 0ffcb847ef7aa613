"""`{% fixed_url "publications:home" %}`: `{% url %}` for a view that takes
no arguments, reversed once (fixed_urls.py)."""

from django import template

from .. import fixed_urls

register = template.Library()
register.simple_tag(fixed_urls.fixed_url, name="fixed_url")
