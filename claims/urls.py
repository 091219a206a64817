from django.urls import URLPattern, URLResolver, path

from claims import views

app_name = "claims"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.claim_list, name="list"),
    path("cek-kelayakan/", views.eligibility, name="eligibility"),
    path("baru/", views.claim_new, name="new"),
    path("<uuid:claim_id>/", views.claim_detail, name="detail"),
    path("<uuid:claim_id>/sebab/", views.step_reason, name="step_reason"),
    path("<uuid:claim_id>/data-diri/", views.step_personal, name="step_personal"),
    path("<uuid:claim_id>/dokumen/", views.step_documents, name="step_documents"),
    path("<uuid:claim_id>/rekening/", views.step_bank, name="step_bank"),
    path("<uuid:claim_id>/periksa/", views.step_review, name="step_review"),
    path("<uuid:claim_id>/batal/", views.claim_cancel_view, name="cancel"),
    path("<uuid:claim_id>/surat/", views.letter_download, name="letter_download"),
    path(
        "<uuid:claim_id>/dokumen/<uuid:document_id>/unduh/",
        views.document_download,
        name="document_download",
    ),
]
