"""factory-boy factories. Participants get a valid NIK consistent with their birth date and sex."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory
from factory.django import DjangoModelFactory

from participants.ledger.services import contribution_credit_jht
from participants.models import (
    Branch,
    Category,
    Contribution,
    Employer,
    Employment,
    Participant,
    Sex,
    User,
)

TEST_PASSWORD = "kata-sandi-uji-12345"
_serial = itertools.count(1)


def make_nik(*, birth_date: dt.date, sex: str, region: str = "317101", serial: int | None = None) -> str:
    """A NIK whose embedded date of birth (day + 40 for women) matches `birth_date` and `sex`."""
    day = birth_date.day + (40 if sex == Sex.P else 0)
    number = serial if serial is not None else next(_serial)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{number:04d}"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"peserta{n}@contoh.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.django.Password(TEST_PASSWORD)


class BranchFactory(DjangoModelFactory[Branch]):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CB{n:03d}")
    name = factory.Sequence(lambda n: f"Kantor Cabang {n}")
    city = "Jakarta"


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"petugas{n}@bpjs.contoh.id")
    is_staff = True
    branch = factory.SubFactory(BranchFactory)


class EmployerFactory(DjangoModelFactory[Employer]):
    class Meta:
        model = Employer
        django_get_or_create = ("npp",)

    npp = factory.Sequence(lambda n: f"{10000000 + n}")
    name = factory.Faker("company", locale="id_ID")
    risk_class = 2
    branch = factory.SubFactory(BranchFactory)


class ParticipantFactory(DjangoModelFactory[Participant]):
    """A KPJ. Pass `nik=` to share a NIK between KPJs; otherwise a valid one is generated."""

    class Meta:
        model = Participant

    kpj = factory.Sequence(lambda n: f"{21000000000 + n:011d}")
    full_name = factory.Faker("name", locale="id_ID")
    birth_date = dt.date(1990, 5, 17)
    sex = Sex.L
    category = Category.PU
    branch = factory.SubFactory(BranchFactory)
    registered_on = dt.date(2015, 1, 1)
    status_since = factory.SelfAttribute("registered_on")
    email = factory.LazyAttribute(lambda o: f"kpj{o.kpj}@contoh.id")
    phone = "081234567890"
    nik = factory.LazyAttribute(lambda o: make_nik(birth_date=o.birth_date, sex=o.sex))

    @classmethod
    def _create(cls, model_class: type[Participant], *args: Any, **kwargs: Any) -> Participant:
        nik = kwargs.pop("nik")  # not a model field: stored encrypted with its blind index
        participant = model_class(*args, **kwargs)
        participant.set_nik(nik)
        participant.save()
        return participant


class EmploymentFactory(DjangoModelFactory[Employment]):
    class Meta:
        model = Employment

    participant = factory.SubFactory(ParticipantFactory)
    employer = factory.SubFactory(EmployerFactory)
    start_date = dt.date(2015, 1, 1)


def post_contribution(
    participant: Participant,
    *,
    period: dt.date,
    wage_idr: int,
    employer: Employer | None = None,
    posted_on: dt.date | None = None,
) -> Contribution:
    """A PU contribution with the standard shares, credited to the JHT ledger like the import does."""
    from decimal import Decimal

    from portal.money import percent_of

    posted = posted_on or (period.replace(day=28) + dt.timedelta(days=10))
    contribution = Contribution.objects.create(
        participant=participant,
        employer=employer,
        period=period,
        wage_idr=wage_idr,
        jht_employer_idr=percent_of(wage_idr, Decimal("3.7")),
        jht_worker_idr=percent_of(wage_idr, Decimal("2")),
        jp_employer_idr=percent_of(min(wage_idr, 10_042_300), Decimal("2")),
        jp_worker_idr=percent_of(min(wage_idr, 10_042_300), Decimal("1")),
        jkk_idr=percent_of(wage_idr, Decimal("0.54")),
        jkm_idr=percent_of(wage_idr, Decimal("0.30")),
        posted_at=dt.datetime.combine(posted, dt.time(9), tzinfo=dt.UTC),
        paid_at=dt.datetime.combine(posted, dt.time(9), tzinfo=dt.UTC),
    )
    contribution_credit_jht(contribution=contribution, value_date=posted)
    return contribution
