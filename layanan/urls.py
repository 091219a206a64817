from django.urls import URLPattern, URLResolver, path

from layanan import views

app_name = "layanan"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("simulasi-jht/", views.jht_simulation, name="jht_simulation"),
    path("penggabungan-saldo/", views.merge, name="merge"),
    path("pengkinian-data/", views.corrections, name="corrections"),
    path("pengkinian-data/<uuid:request_id>/dokumen/", views.correction_document, name="correction_document"),
    path("kartu/", views.card_replacement, name="card"),
    path("kartu/<uuid:request_id>/", views.card_detail, name="card_detail"),
    path("pengaduan-upah/", views.complaints, name="complaints"),
    path("pengaduan-upah/kpj/<uuid:public_id>/", views.complaint_new, name="complaint_new"),
    path("pengaduan-upah/<uuid:request_id>/", views.complaint_detail, name="complaint_detail"),
]
