from django.urls import URLPattern, path

from notifications import webhooks

app_name = "sms"
urlpatterns: list[URLPattern] = [
    path("inbound/", webhooks.sms_inbound, name="inbound"),
    path("status/", webhooks.sms_delivery_status, name="status"),
]
