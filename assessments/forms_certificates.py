"""The participant's certificate details form: how their certificate is to be written.

Rules:

- Both names are stripped, their inner spaces collapsed and NFC-normalized (decomposed
  Vietnamese would print with detached accents).
- The name in Latin letters is required and holds Latin letters only (accented ones too),
  with spaces, hyphens, apostrophes and dots between them.
- The name in native script is optional (the Latin name is printed when it is empty) and must
  be printable by the certificate fonts in the chosen language: a character no font covers is
  refused by name, never drawn as an empty box.
- The form starts from ``issuing.holder_for`` (the saved details, else the application).
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from .certificates.text import MissingGlyph, split_runs
from .models import CERTIFICATE_LANGUAGE_CHOICES, CertificateDetails

# Besides Latin letters (and the accents combined with them), a Latin name may hold these.
LATIN_NAME_PUNCTUATION = frozenset(" -\u2010'\u2019\u02bc.")


def clean_name(value: str) -> str:
    """Stripped, inner whitespace collapsed to single spaces, NFC-normalized."""
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def is_latin_name(name: str) -> bool:
    """Latin letters (accents allowed), separated by spaces, hyphens, apostrophes or dots."""
    has_letter = False
    previous_latin = False
    for char in name:
        if unicodedata.category(char).startswith("M"):
            if not previous_latin:
                return False
            continue
        if char in LATIN_NAME_PUNCTUATION:
            previous_latin = False
            continue
        if not (char.isalpha() and unicodedata.name(char, "").startswith("LATIN ")):
            return False
        has_letter = previous_latin = True
    return has_letter


def unprintable(name: str, language: str) -> list[str]:
    """The characters of ``name`` no certificate font covers in ``language``, in order."""
    missing: list[str] = []
    text = name
    while text:
        try:
            split_runs(text, language)
        except MissingGlyph as exc:
            missing.append(exc.char)
            text = text.replace(exc.char, "")
            continue
        break
    return missing


class CertificateDetailsForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Certificate language"),
        choices=CERTIFICATE_LANGUAGE_CHOICES,
        help_text=_(
            "The language of your certificate. The English text is printed beside it unless "
            "you ask for this language only."
        ),
    )
    single_language = forms.BooleanField(
        label=_("Only this language, without the English text"),
        required=False,
    )
    native_name = forms.CharField(
        label=_("Your name in your own script"),
        max_length=200,
        required=False,
        help_text=_(
            "As it should be printed, e.g. 김민준 or สมชาย ใจดี. Leave it empty if your name "
            "is written in Latin letters."
        ),
    )
    latin_name = forms.CharField(
        label=_("Your name in Latin letters"),
        max_length=200,
        help_text=_(
            "Given names then family name, as in your passport; accents, hyphens and "
            "apostrophes are allowed."
        ),
    )

    class Meta:
        model = CertificateDetails
        fields = ["language", "single_language", "native_name", "latin_name"]

    def __init__(self, *args, holder=None, **kwargs):
        if holder is not None and kwargs.get("instance") is None:
            native = "" if holder.native_name == holder.latin_name else holder.native_name
            kwargs["initial"] = {
                "language": holder.language,
                "single_language": holder.single_language,
                "native_name": native,
                "latin_name": holder.latin_name,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)

    def _unprintable_error(self, name: str, language: str) -> forms.ValidationError | None:
        missing = unprintable(name, language)
        if not missing:
            return None
        return forms.ValidationError(
            _("This name has characters the certificate cannot print: %(characters)s"),
            code="unprintable",
            params={"characters": " ".join(missing)},
        )

    def clean_native_name(self) -> str:
        return clean_name(self.cleaned_data["native_name"])

    def clean_latin_name(self) -> str:
        name = clean_name(self.cleaned_data["latin_name"])
        if not name:
            raise forms.ValidationError(_("Write your name in Latin letters."), code="required")
        if not is_latin_name(name):
            raise forms.ValidationError(
                _(
                    "Write this name in Latin letters (A to Z, accents allowed), with only "
                    "spaces, hyphens, apostrophes or dots between them."
                ),
                code="not_latin",
            )
        return name

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language")
        if not language:
            return cleaned
        for field in ("native_name", "latin_name"):
            name = cleaned.get(field)
            if name and (error := self._unprintable_error(name, language)):
                self.add_error(field, error)
        return cleaned
