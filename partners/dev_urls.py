from django.urls import path

from partners import dev_views

app_name = "dev_partners"

urlpatterns = [path("", dev_views.sandbox, name="sandbox")]
