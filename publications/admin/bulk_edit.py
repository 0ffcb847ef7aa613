"""The "Export for bulk edit" actions: selected records as a Digital Commons
batch spreadsheet with their ids, to correct and upload back as a bulk-edit
import (publications.ingest.spreadsheet_export writes it)."""

from django.contrib import admin

from publications.ingest import spreadsheet_export


@admin.action(permissions=["view"], description="Export for bulk edit (Excel)")
def export_bulk_edit_xlsx(modeladmin, request, queryset):
    return spreadsheet_export.xlsx_response(queryset)


@admin.action(permissions=["view"], description="Export for bulk edit (CSV)")
def export_bulk_edit_csv(modeladmin, request, queryset):
    return spreadsheet_export.csv_response(queryset)
