from django.urls import URLPattern, URLResolver, path

from verification import views_mydata

app_name = "mydata"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_mydata.my_data, name="index"),
    path("unduh.json", views_mydata.my_data_json, name="json"),
    path("pdf/", views_mydata.my_data_pdf_request, name="pdf_request"),
    path("pdf/<uuid:export_id>/", views_mydata.my_data_pdf, name="pdf"),
]
