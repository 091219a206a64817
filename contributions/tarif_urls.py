"""Public rate-table URLs at the site root (`/tarif/`, `/tarif.json`, `/simulasi.json`); no namespace,
like `simulate`, so templates say `{% url 'tariff' %}`."""

from django.urls import path

from contributions import views_tarif

urlpatterns = [
    path("tarif/", views_tarif.tariff_page, name="tariff"),
    path("tarif.json", views_tarif.tariff_json, name="tariff_json"),
    path("simulasi.json", views_tarif.simulation_json, name="simulation_json"),
]
