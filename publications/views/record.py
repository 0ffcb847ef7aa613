from django.shortcuts import render


def listing(request):
    return render(request, "publications/listing.html")


def record(request, pk, slug=None):
    return render(request, "publications/record.html")
