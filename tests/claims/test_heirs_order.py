"""The legal order of heirs (claims/heirs/order.py, docs/heirs.md#heirs)."""

from __future__ import annotations

from claims.heirs import HeirDocument, HeirFamily, heir_order
from claims.heirs.order import receiving_class

D = HeirDocument


def _entitled(family: HeirFamily) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(c.rank, c.relation, c.members) for c in heir_order(family) if c.entitled]


def test_the_order_and_what_each_must_prove() -> None:
    order = heir_order(HeirFamily())

    assert [(c.rank, c.relation, c.must_prove) for c in order] == [
        (1, "spouse", (D.KK, D.MARRIAGE_BOOK)),
        (1, "child", (D.KK, D.BIRTH_CERTIFICATE)),
        (2, "parent", (D.KK, D.BIRTH_CERTIFICATE)),
        (3, "grandchild", (D.KK, D.BIRTH_CERTIFICATE)),
        (4, "grandparent", (D.KK, D.BIRTH_CERTIFICATE)),
        (5, "sibling", (D.KK, D.BIRTH_CERTIFICATE)),
        (6, "parent_in_law", (D.KK, D.MARRIAGE_BOOK)),
        (7, "will", (D.WILL,)),
    ]
    assert [c.label for c in order][:3] == ["Janda atau duda", "Anak", "Orang tua"]


def test_spouse_and_children_share_the_first_rank_before_parents() -> None:
    family = HeirFamily(spouses=("Rina",), children=("Ayu", "Bima"), parents=("Slamet",), siblings=("Tono",))

    assert _entitled(family) == [(1, "spouse", ("Rina",)), (1, "child", ("Ayu", "Bima"))]
    assert [c.relation for c in receiving_class(family)] == ["spouse", "child"]


def test_children_alone_receive_when_there_is_no_spouse() -> None:
    assert _entitled(HeirFamily(children=("Ayu",), parents=("Slamet",))) == [(1, "child", ("Ayu",))]


def test_parents_before_grandchildren_and_siblings() -> None:
    family = HeirFamily(parents=("Slamet",), grandchildren=("Dewi",), siblings=("Tono",))

    assert _entitled(family) == [(2, "parent", ("Slamet",))]


def test_siblings_before_parents_in_law_and_the_will() -> None:
    family = HeirFamily(siblings=("Tono",), parents_in_law=("Wati",), named_in_will=("Yayasan X",))

    assert _entitled(family) == [(5, "sibling", ("Tono",))]


def test_the_will_only_without_any_relative() -> None:
    assert _entitled(HeirFamily(named_in_will=("Yayasan X",))) == [(7, "will", ("Yayasan X",))]


def test_nobody_entitled_without_relatives_or_will() -> None:
    family = HeirFamily()

    assert _entitled(family) == []
    assert receiving_class(family) == []
