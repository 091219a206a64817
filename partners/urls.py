from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("v1.0/access-token/b2b", views.access_token, name="access_token"),
    path("v1.0/transfer-va/inquiry", views.va_inquiry, name="va_inquiry"),
    path("v1.0/transfer-va/payment", views.va_payment, name="va_payment"),
    # Our extension, outside the SNAP service list
    # (docs/partners.md#jht-balance-our-extension-service-code-91).
    path("v1.0/jht/balance-inquiry", views.jht_balance, name="jht_balance"),
]
