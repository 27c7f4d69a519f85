"""The certificate fonts: where they come from, their static instances, their registration.

Rules:

1. Every font is freely licensed (SIL Open Font License 1.1, text in ``FONTS-OFL.txt``) and
   installed by the project's own files: Noto Sans and Noto Sans Tamil from Debian's
   ``fonts-noto-core`` (apt list in ``.ci/run``), Noto Sans Thai from PyPI
   ``fontpkg-noto-sans-thai`` and Noto Sans KR/JP/SC/TC from PyPI ``justmytype-intl-cjk``.
   Nothing is downloaded at run time. Tamil is no certificate language, but names of holders
   from Singapore and Malaysia are written in it, so its face is a fallback of every language
   (``text.CHAINS``).
2. reportlab embeds only TrueType outlines and, for a variable font, only its default instance
   (Thin for Noto CJK). Static Regular and Bold instances of the variable fonts are therefore
   made with ``fontTools.varLib.instancer`` into ``settings.CERTIFICATE_FONT_DIR`` (default
   ``BASE_DIR/var/certificate-fonts``), by ``manage.py prepare_certificate_fonts`` or, when
   missing, on first use. Writes are atomic (temporary file + rename), so parallel processes
   building the same instance are harmless. The file name carries the source's size, so an
   upgraded package gets new instances.
3. Fonts are registered with reportlab once per process, each face only when first needed
   (a CJK face costs a large part of a second and tens of megabytes).
4. The faces of scripts that need shaping (``SHAPED``: Thai and Tamil) are registered shapable,
   and every glyph without a character of its own gets its private-use code at registration
   (``_assign_private_codes``), so codes never depend on what a process drew before.
"""

from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SYSTEM_NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
WEIGHTS = {"regular": 400, "bold": 700}
# Families whose script needs shaping, with the Unicode block of that script and the language
# tag of text in it (``text`` shapes only these runs).
SHAPED = {"thai": ("\u0e00", "\u0e7f", "th"), "tamil": ("\u0b80", "\u0bff", "ta")}


class FontUnavailable(RuntimeError):
    """A font file the certificates need is missing (package not installed)."""


@dataclass(frozen=True)
class Family:
    """One typeface family the certificates use.

    ``static`` families are used as installed (``<file_stem>-Regular.ttf``/``-Bold.ttf`` in
    ``SYSTEM_NOTO_DIR`` or ``settings.CERTIFICATE_SYSTEM_FONT_DIR``); the others are instanced
    from the variable font found by ``source()``.
    """

    key: str
    file_stem: str
    static: bool = False
    package: str = ""
    relative: str = ""
    extra_axes: tuple[tuple[str, float], ...] = ()

    def source(self) -> Path:
        """The variable font this family's instances are made from."""
        import importlib.util

        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.origin:
            raise FontUnavailable(f"Python package {self.package!r} is not installed")
        path = Path(spec.origin).parent / self.relative
        if not path.is_file():
            raise FontUnavailable(f"font file missing: {path}")
        return path


FAMILIES: dict[str, Family] = {
    family.key: family
    for family in (
        Family("sans", "NotoSans", static=True),
        Family("tamil", "NotoSansTamil", static=True),
        Family(
            "thai",
            "NotoSansThai",
            package="fontpkg_noto_sans_thai",
            relative="files/NotoSansThai[wdth,wght].ttf",
            extra_axes=(("wdth", 100.0),),
        ),
        Family(
            "kr",
            "NotoSansKR",
            package="justmytype_intl_cjk",
            relative="fonts/ofl/notosanskr/NotoSansKR[wght].ttf",
        ),
        Family(
            "jp",
            "NotoSansJP",
            package="justmytype_intl_cjk",
            relative="fonts/ofl/notosansjp/NotoSansJP[wght].ttf",
        ),
        Family(
            "sc",
            "NotoSansSC",
            package="justmytype_intl_cjk",
            relative="fonts/ofl/notosanssc/NotoSansSC[wght].ttf",
        ),
        Family(
            "tc",
            "NotoSansTC",
            package="justmytype_intl_cjk",
            relative="fonts/ofl/notosanstc/NotoSansTC[wght].ttf",
        ),
    )
}


def font_dir() -> Path:
    """Where static instances live: ``settings.CERTIFICATE_FONT_DIR``."""
    from django.conf import settings

    default = Path(settings.BASE_DIR) / "var" / "certificate-fonts"
    return Path(getattr(settings, "CERTIFICATE_FONT_DIR", default))


def system_font_dir() -> Path:
    from django.conf import settings

    return Path(getattr(settings, "CERTIFICATE_SYSTEM_FONT_DIR", SYSTEM_NOTO_DIR))


def instance_path(family: Family, weight: str) -> Path:
    """The static font file of ``family`` in ``weight`` ("regular" or "bold")."""
    suffix = "Regular" if weight == "regular" else "Bold"
    if family.static:
        path = system_font_dir() / f"{family.file_stem}-{suffix}.ttf"
        if not path.is_file():
            raise FontUnavailable(f"font file missing: {path} (Debian package fonts-noto-core)")
        return path
    size = family.source().stat().st_size
    return font_dir() / f"{family.file_stem}-{suffix}-{size}.ttf"


def build_instance(family: Family, weight: str, *, force: bool = False) -> tuple[Path, bool]:
    """Make the static instance of ``family`` in ``weight`` unless it exists (or ``force``).

    Returns the path and whether it was built. Atomic: written to a temporary file in the same
    directory, then renamed over the target.
    """
    path = instance_path(family, weight)
    if family.static or (path.is_file() and not force):
        return path, False
    import logging

    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # one INFO line per table
    path.parent.mkdir(parents=True, exist_ok=True)
    font = TTFont(family.source())
    axes = {"wght": float(WEIGHTS[weight]), **dict(family.extra_axes)}
    static = instancer.instantiateVariableFont(font, axes, updateFontNames=False)
    # Keep the source's "modified" date: an instance built on another day or machine is then
    # the same file, and so are the certificates drawn with it.
    static.recalcTimestamp = False
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            static.save(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, True


def prepare_all(*, force: bool = False, families: list[str] | None = None):
    """Build every missing instance; yields ``(family key, weight, path, built)``."""
    for key in families or list(FAMILIES):
        family = FAMILIES[key]
        for weight in WEIGHTS:
            path, built = build_instance(family, weight, force=force)
            yield key, weight, path, built


# -- registration ---------------------------------------------------------------------------

_lock = threading.Lock()
_registered: dict[tuple[str, str], str] = {}


def font_name(family_key: str, weight: str = "regular") -> str:
    """Register (once per process) and return the reportlab font name of a face."""
    name = _registered.get((family_key, weight))
    if name is not None:
        return name
    with _lock:
        name = _registered.get((family_key, weight))
        if name is None:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            family = FAMILIES[family_key]
            path, _built = build_instance(family, weight)
            name = f"Cert{family.file_stem}-{weight}"
            shaped = family_key in SHAPED
            font = TTFont(name, str(path), shapable=shaped)
            # reportlab treats two dynamic fonts with the same face (PostScript) name as one:
            # had another module registered, say, Debian's older Noto Sans Thai first, this
            # name would silently draw with that file. A face name of our own prevents it.
            font.face.name = name.encode("ascii")
            if shaped:
                _assign_private_codes(font)
            pdfmetrics.registerFont(font)
            _registered[(family_key, weight)] = name
    return name


def _assign_private_codes(font) -> None:
    """Give every glyph without a character of its own (shaping alternates and ligatures, e.g.
    a Thai consonant without its descender, Tamil க்ஷ or ஸ்ரீ) a private-use code now, in glyph
    order.

    reportlab assigns these codes lazily, in the order shaping first meets the glyphs in the
    process; the codes end up in the PDF, so the same certificate would give different bytes in
    processes that rendered different certificates before it.
    """
    face = font.face
    hb_font = font.hbFont(10)  # sets up reportlab's private-code table
    scale = 1000 / face.unitsPerEm
    for gid in range(face.numGlyphs):
        if gid in face.glyphToChar:
            continue
        advance = hb_font.get_glyph_h_advance(gid) * scale
        font.hbAddPrivate(hb_font.glyph_to_string(gid), gid, advance)


def covers(family_key: str, char: str, weight: str = "regular") -> bool:
    """Whether the face has a glyph for ``char`` (registers the face if needed)."""
    from reportlab.pdfbase import pdfmetrics

    return ord(char) in pdfmetrics.getFont(font_name(family_key, weight)).face.charToGlyph
