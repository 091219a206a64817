from django.urls import URLPattern, URLResolver, path

from accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/kode/", views.activate_code, name="activate_code"),
    path("aktivasi/kode/kirim-ulang/", views.activate_resend, name="activate_resend"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/keluar-semua/", views.logout_everywhere, name="logout_everywhere"),
]
