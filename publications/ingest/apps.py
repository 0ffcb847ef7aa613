from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "publications.ingest"
    label = "ingest"
    verbose_name = "Import"
    default_auto_field = "django.db.models.BigAutoField"
