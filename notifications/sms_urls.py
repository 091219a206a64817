from django.urls import URLPattern, path

from notifications import views_binding, webhooks

app_name = "sms"
urlpatterns: list[URLPattern] = [
    path("inbound/", webhooks.sms_inbound, name="inbound"),
    path("status/", webhooks.sms_delivery_status, name="status"),
    path("daftar/konfirmasi/<str:token>/", views_binding.binding_confirm, name="binding_confirm"),
]
