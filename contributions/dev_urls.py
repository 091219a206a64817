from django.urls import path

from contributions import dev_views

app_name = "dev_gateway"

urlpatterns = [
    path("", dev_views.sandbox, name="sandbox"),
    path("<str:order_id>/<str:action>/", dev_views.sandbox_action, name="action"),
]
