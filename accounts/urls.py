from django.urls import URLPattern, URLResolver, path

from accounts import views, views_not_me

app_name = "accounts"
urlpatterns: list[URLPattern | URLResolver] = [
    path("aktivasi/", views.activate, name="activate"),
    path("aktivasi/kode/", views.activate_code, name="activate_code"),
    path("aktivasi/kode/kirim-ulang/", views.activate_resend, name="activate_resend"),
    path("aktivasi/bantuan/", views.activate_help, name="activate_help"),
    path("bukan-saya/<str:token>/", views_not_me.not_me, name="not_me"),
    path("keamanan/", views.security, name="security"),
    path("keamanan/keluar-semua/", views.logout_everywhere, name="logout_everywhere"),
]
