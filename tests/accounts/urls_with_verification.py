"""The portal's URLs plus a stand-in `verification:start` (the assisted identity-verification app is
built on another branch): the activation help page links to it only when it exists."""

from django.http import HttpResponse
from django.urls import URLPattern, include, path

from portal.urls import urlpatterns as portal_urlpatterns

verification_patterns: list[URLPattern] = [
    path("", lambda request: HttpResponse("verifikasi"), name="start"),
]

urlpatterns = [
    path("verifikasi/", include((verification_patterns, "verification"))),
    *portal_urlpatterns,
]
