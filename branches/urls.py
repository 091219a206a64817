from django.urls import URLPattern, URLResolver, path

from branches import views

app_name = "branches"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.booking_list, name="list"),
    path("baru/", views.booking_new, name="new"),
    path("<uuid:booking_id>/", views.booking_detail, name="detail"),
    path("<uuid:booking_id>/batal/", views.booking_cancel_view, name="cancel"),
    path("<uuid:booking_id>/ubah/", views.booking_reschedule_view, name="reschedule"),
]
