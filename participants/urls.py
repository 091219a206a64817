from django.urls import URLPattern, URLResolver, path

from participants.views import card, dashboard, history, statements

app_name = "participants"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard, name="dashboard"),
    path("kpj/<uuid:public_id>/tautkan/", dashboard.link_kpj, name="link_kpj"),
    path("kpj/<uuid:public_id>/iuran/", history.history, name="history"),
    path("kpj/<uuid:public_id>/rincian-saldo/", statements.statement_request, name="statement_request"),
    path("rincian-saldo/<uuid:statement_id>/", statements.statement_status, name="statement_status"),
    path(
        "rincian-saldo/<uuid:statement_id>/unduh/", statements.statement_download, name="statement_download"
    ),
    path("kpj/<uuid:public_id>/kartu/", card.card, name="card"),
    path("kpj/<uuid:public_id>/kartu/pdf/", card.card_pdf, name="card_pdf"),
    path("kpj/<uuid:public_id>/kartu/pdf/unduh/", card.card_pdf_download, name="card_pdf_download"),
    path("kartu/verifikasi/<str:token>/", card.card_verify, name="card_verify"),
]
