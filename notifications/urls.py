from django.urls import URLPattern, path

from notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.preferences, name="preferences"),
]
