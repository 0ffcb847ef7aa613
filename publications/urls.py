from django.urls import path

from .views import home, listing, record

app_name = "publications"

urlpatterns = [
    path("", home.home, name="home"),
    path("publications/", listing.listing, name="listing"),
    path("publications/<int:pk>/", record.record, name="record"),
    path("publications/<int:pk>/<slug:slug>/", record.record, name="record_slug"),
]
