"""The legal order of heirs of a BPJS Ketenagakerjaan participant (docs/heirs.md#heirs).

The widow/widower and the children come first, together; without them the blood relatives in the straight
line up to the second degree (parents, then grandchildren, then grandparents); then siblings; then the
parents-in-law; then the person named in the participant's will. The first class that has a member receives
the benefits; the later classes are listed with what they would need to prove.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from claims.heirs.documents import HeirDocument as D


@dataclass(frozen=True)
class HeirFamily:
    """The living relatives of the deceased, by name (the heirs' statement letter lists them)."""

    spouses: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    grandchildren: tuple[str, ...] = ()
    grandparents: tuple[str, ...] = ()
    siblings: tuple[str, ...] = ()
    parents_in_law: tuple[str, ...] = ()
    named_in_will: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeirClass:
    rank: int  # 1 first; several relations may share a rank (spouse and children)
    relation: str  # spouse, child, parent, grandchild, grandparent, sibling, parent_in_law, will
    label: str
    members: tuple[str, ...]
    must_prove: tuple[D, ...]  # besides the death certificate, the heirs' statement and each heir's KTP
    entitled: bool  # this class receives: it has a member, and no earlier rank has one


# (rank, relation, family field, documents that prove the relationship)
_ORDER: tuple[tuple[int, str, str, tuple[D, ...]], ...] = (
    (1, "spouse", "spouses", (D.KK, D.MARRIAGE_BOOK)),
    (1, "child", "children", (D.KK, D.BIRTH_CERTIFICATE)),
    (2, "parent", "parents", (D.KK, D.BIRTH_CERTIFICATE)),
    (3, "grandchild", "grandchildren", (D.KK, D.BIRTH_CERTIFICATE)),
    (4, "grandparent", "grandparents", (D.KK, D.BIRTH_CERTIFICATE)),
    (5, "sibling", "siblings", (D.KK, D.BIRTH_CERTIFICATE)),
    (6, "parent_in_law", "parents_in_law", (D.KK, D.MARRIAGE_BOOK)),
    (7, "will", "named_in_will", (D.WILL,)),
)


def _labels() -> dict[str, str]:
    return {
        "spouse": _("Janda atau duda"),
        "child": _("Anak"),
        "parent": _("Orang tua"),
        "grandchild": _("Cucu"),
        "grandparent": _("Kakek atau nenek"),
        "sibling": _("Saudara kandung"),
        "parent_in_law": _("Mertua"),
        "will": _("Pihak yang ditunjuk dalam wasiat"),
    }


def heir_order(family: HeirFamily) -> tuple[HeirClass, ...]:
    """Every class of heirs in the legal order, the entitled one marked. Pure. When nobody is entitled (no
    relative and no will), no class is marked: the JHT then goes to the Balai Harta Peninggalan, which the
    branch handles (docs/heirs.md#heirs)."""
    labels = _labels()
    present = [rank for rank, _relation, field, _docs in _ORDER if getattr(family, field)]
    first = min(present) if present else None
    return tuple(
        HeirClass(
            rank=rank,
            relation=relation,
            label=labels[relation],
            members=getattr(family, field),
            must_prove=docs,
            entitled=rank == first and bool(getattr(family, field)),
        )
        for rank, relation, field, docs in _ORDER
    )


def receiving_class(family: HeirFamily) -> list[HeirClass]:
    """The classes that receive (spouse and children share rank 1), [] when nobody does."""
    return [c for c in heir_order(family) if c.entitled]
