"""The one form-error summary include (templates/includes/form_errors.html)."""

import re

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    nik = forms.CharField(label="NIK")
    email = forms.EmailField(label="Email")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError("Data tidak cocok.")


def _squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_summary_lists_form_and_field_errors_with_links_to_the_fields() -> None:
    form = _Form(data={"bpu-email": "bukan-email"}, prefix="bpu")
    html = _squash(render_to_string("includes/form_errors.html", {"form": form}))
    assert html == (
        '<div class="form-error" role="alert" id="bpu-form-errors">'
        "<p>Data tidak cocok.</p>"
        '<ul class="errorlist">'
        '<li><a href="#id_bpu-nik">NIK</a>: Bidang ini tidak boleh kosong.</li>'
        '<li><a href="#id_bpu-email">Email</a>: Masukkan alamat email yang valid.</li>'
        "<li>Bidang ini tidak boleh kosong.</li>"
        "</ul></div>"
    )


def test_form_level_errors_only_have_no_list() -> None:
    form = _Form(data={"nik": "1", "email": "a@b.id", "token": "t"})
    html = _squash(render_to_string("includes/form_errors.html", {"form": form}))
    assert html == '<div class="form-error" role="alert" id="form-errors"><p>Data tidak cocok.</p></div>'


def test_valid_or_unbound_form_renders_nothing() -> None:
    assert render_to_string("includes/form_errors.html", {"form": _Form()}).strip() == ""
    assert render_to_string("includes/form_errors.html", {}).strip() == ""
