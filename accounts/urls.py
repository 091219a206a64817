from django.urls import URLPattern, URLResolver, path

from accounts import views, views_not_me, views_unlock

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/kode/", views.activate_code, name="activate_code"),
    path("aktivasi/kode/kirim-ulang/", views.activate_resend, name="activate_resend"),
    path("aktivasi/bantuan/", views.activate_help, name="activate_help"),
    path("bukan-saya/<str:token>/", views_not_me.not_me, name="not_me"),
    path("buka-kunci/", views_unlock.unlock, name="unlock"),
    path("buka-kunci/kode/", views_unlock.unlock_code, name="unlock_code"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/keluar-semua/", views.logout_everywhere, name="logout_everywhere"),
]
