from django.urls import path

from contributions import views, views_pages, views_registration

app_name = "contributions"

urlpatterns = [
    path("midtrans/notification/", views.midtrans_notification, name="midtrans_notification"),
    path("<uuid:public_id>/bukti/", views.receipt_download, name="receipt_download"),
    path("verifikasi/<str:token>/", views.receipt_verify, name="receipt_verify"),
    path("kpj/<uuid:public_id>/bayar/", views_pages.pay, name="pay"),
    path("kpj/<uuid:public_id>/riwayat/", views_pages.payment_history, name="history"),
    path("kpj/<uuid:public_id>/penghasilan/", views_registration.declaration_change, name="declaration"),
    path("<uuid:public_id>/", views_pages.payment_detail, name="payment"),
    path("<uuid:public_id>/status/", views_pages.payment_status, name="payment_status"),
    path("<uuid:public_id>/batal/", views_pages.payment_cancel_view, name="payment_cancel"),
]
