import pytest
from django.core.management import call_command

from participants.ledger.models import JhtBalance, LedgerEntry
from participants.ledger.services import ledger_reconcile
from participants.models import Contribution, Employment, Participant
from participants.nik import nik_matches_person


@pytest.mark.django_db
def test_seed_scale_generates_consistent_data(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_scale", "--participants", "40", "--months", "6", "--chunk", "15")
    assert Participant.objects.count() == 40
    assert Employment.objects.count() == 40
    assert Contribution.objects.count() == 240
    assert LedgerEntry.objects.count() == 240
    assert JhtBalance.objects.count() == 40
    assert ledger_reconcile() == []
    for p in Participant.objects.all()[:10]:
        assert nik_matches_person(p.nik, birth_date=p.birth_date, sex=p.sex)
    call_command("seed_scale", "--participants", "5", "--months", "0")
    assert Participant.objects.count() == 45
    assert "240 contributions" in capsys.readouterr().out
