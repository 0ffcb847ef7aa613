from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Repository administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("publications.urls")),
]
