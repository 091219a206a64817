from django.urls import path

from partners import views_participant

app_name = "partners_participant"

urlpatterns = [path("saldo/", views_participant.balance_sharing, name="balance_sharing")]
