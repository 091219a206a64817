from django.urls import URLPattern, URLResolver, path

from verification import views

app_name = "verification"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("data/", views.details, name="details"),
    path("diterima/", views.received, name="received"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/tarik-persetujuan/", views.withdraw, name="withdraw"),
    path("aktifkan/<str:token>/", views.activate, name="activate"),
]
