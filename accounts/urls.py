from django.urls import URLPattern, URLResolver, path

from accounts import views, views_unlock

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/kode/", views.activate_code, name="activate_code"),
    path("aktivasi/kode/kirim-ulang/", views.activate_resend, name="activate_resend"),
    path("buka-kunci/", views_unlock.unlock, name="unlock"),
    path("buka-kunci/kode/", views_unlock.unlock_code, name="unlock_code"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/keluar-semua/", views.logout_everywhere, name="logout_everywhere"),
]
