"""Public BPU self-registration, mounted at /daftar/."""

from django.urls import URLPattern, path

from contributions import views_registration

app_name = "registration"

urlpatterns: list[URLPattern] = [
    path("bpu/", views_registration.register, name="bpu"),
    path("bpu/kode/", views_registration.register_code, name="bpu_code"),
    path("bpu/kode/kirim-ulang/", views_registration.register_resend, name="bpu_resend"),
]
