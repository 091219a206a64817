from django.urls import URLPattern, URLResolver, path

from lifeevents import views

app_name = "lifeevents"
urlpatterns: list[URLPattern | URLResolver] = [
    path("phk/", views.phk, name="phk"),
    path("phk/<uuid:public_id>/sanggah/", views.dispute, name="dispute"),
    path("pensiun/", views.pension, name="pension"),
]
