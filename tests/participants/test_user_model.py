import pytest
from django.db import IntegrityError

from participants.models import User


@pytest.mark.django_db
def test_email_is_the_login_and_is_normalised() -> None:
    user = User.objects.create_user("Budi@Contoh.ID", "rahasia-sekali-123")
    assert user.email == "budi@contoh.id"
    assert user.check_password("rahasia-sekali-123")
    assert not user.is_staff


@pytest.mark.django_db
def test_email_is_unique() -> None:
    User.objects.create_user("budi@contoh.id", "x")
    with pytest.raises(IntegrityError):
        User.objects.create_user("BUDI@contoh.id", "y")


@pytest.mark.django_db
def test_user_without_email_is_refused() -> None:
    with pytest.raises(ValueError, match="email is required"):
        User.objects.create_user("", "x")
    assert User.objects.count() == 0
