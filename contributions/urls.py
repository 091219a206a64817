from django.urls import path

from contributions import views

app_name = "contributions"

urlpatterns = [
    path("midtrans/notification/", views.midtrans_notification, name="midtrans_notification"),
    path("<uuid:public_id>/bukti/", views.receipt_download, name="receipt_download"),
    path("verifikasi/<str:token>/", views.receipt_verify, name="receipt_verify"),
]
