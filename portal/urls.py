from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from backoffice.views import admin_login
from contributions.views_pages import simulate
from portal.views import health, pages

handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("akun/", include("accounts.urls")),
    path("akun/notifikasi/", include("notifications.urls")),
    path("akun/verifikasi/", include("verification.urls")),
    path("akun/data-saya/", include("verification.mydata_urls")),
    path("sms/", include("notifications.sms_urls")),
    # allauth's own names (account_login, account_logout, mfa_index, ...) cannot live in a namespace.
    path("akun/", include("allauth.urls")),
    path("peserta/", include("participants.urls")),
    path("klaim/", include("claims.urls")),
    path("payments/", include("contributions.urls")),
    path("layanan/", include("layanan.urls")),
    path("layanan/antrian/", include("branches.urls")),
    path("peristiwa/", include("lifeevents.urls")),
    path("simulasi/", simulate, name="simulate"),
    path("", include("contributions.tarif_urls")),
    path("daftar/", include("contributions.registration_urls")),
    path("snap/", include("partners.urls")),
    path("akun/mitra/", include("partners.participant_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Staff sign in through allauth (password + TOTP), never through the admin's own password form.
    path(f"{settings.ADMIN_URL}login/", admin_login, name="backoffice_admin_login"),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:  # the fake gateway's sandbox: development only, 404 in production
    urlpatterns.append(path("_dev/gateway/", include("contributions.dev_urls")))
    urlpatterns.append(path("_dev/sms/", include("notifications.dev_urls")))
    urlpatterns.append(path("_dev/mitra/", include("partners.dev_urls")))
    # The design system's living examples (docs/design.md).
    urlpatterns.append(path("_dev/design/", pages.design_examples, name="design_examples"))
