from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from participants.models import User

TEST_PASSWORD = "kata-sandi-uji-12345"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"peserta{n}@contoh.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.django.Password(TEST_PASSWORD)


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"petugas{n}@bpjs.contoh.id")
    is_staff = True
