from django.conf import settings


def site(request):
    """The deployment's names, for every template."""
    return {"site": settings.REPOSITORY}
