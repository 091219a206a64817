"""The project's URLconf as a DEBUG process builds it (pytest-django imports URLs with DEBUG off)."""

from django.urls import include, path

from portal.urls import urlpatterns as base

urlpatterns = [*base, path("_dev/mitra/", include("partners.dev_urls"))]
