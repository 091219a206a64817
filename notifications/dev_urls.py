from django.urls import URLPattern, path

from notifications import dev_views

app_name = "dev_sms"
urlpatterns: list[URLPattern] = [path("", dev_views.sandbox, name="sandbox")]
