"""Text on a certificate: runs by font coverage, shaping, measuring, wrapping, drawing.

Rules:

1. All text is NFC-normalised first (Vietnamese typed in decomposed form, NFD, otherwise
   renders with detached accents; Korean jamo sequences become syllables).
2. reportlab has no font fallback: a missing glyph silently draws an empty box. Text is split
   into runs, each drawn with the first face of the language's chain (``CHAINS``) that has a
   glyph for the character; combining marks stay with their base character's face when it has
   them. A character no face covers raises ``MissingGlyph``: never an empty box. Every chain
   ends with the faces of the other scripts holders write their names in: Thai, Tamil (names
   from Singapore and Malaysia) and CJK.
3. CJK characters a text takes from fallback faces (a Chinese name on an English certificate)
   are drawn with one face when one covers them all, so a name never mixes glyph styles: the
   Japanese face when the text has kana, the Korean one when it has hangul, otherwise the
   first of the chain (simplified Chinese first for languages without CJK of their own: the
   Chinese names of Singapore and Malaysia; a traditional name is drawn with it too when it
   has all its characters). Text in the chain's own face is left alone.
4. Only Thai and Tamil runs are shaped (uharfbuzz through reportlab's ``shapeStr``; Tamil vowel
   signs reorder and combine, e.g. கொ, ஸ்ரீ): reportlab's default shaping features include
   discretionary ligatures that change Japanese text, and Latin, Cyrillic, Vietnamese
   (precomposed after NFC) and CJK need no shaping.
5. A shaped run may use glyphs that have no character of their own (a Thai consonant without
   its descender under ุ, a Tamil ligature); reportlab maps them to private-use characters,
   which would be what a reader copies out of the PDF. Each shaped run is therefore wrapped in
   a marked-content span whose ``/ActualText`` is the original text, so copied text equals the
   written text. A run of such a script in another language than its line's (a Tamil name on
   an English line) is marked with the script's ``/Lang`` (in the same span when shaped).
6. A line in another language than the document's ``/Lang`` is wrapped in a marked-content
   span with its own ``/Lang`` (``draw_runs(..., lang=...)``), e.g. the Korean half of a
   bilingual certificate.
7. Faces are registered on first use (see ``fonts``); coverage is looked up once per character
   and chain and cached for the life of the process.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr

from . import fonts

CJK_FAMILIES = frozenset({"kr", "jp", "sc", "tc"})
CHAINS: dict[str, tuple[str, ...]] = {
    "ko": ("kr", "sans", "thai", "tamil", "jp", "sc", "tc"),
    "ja": ("jp", "sans", "thai", "tamil", "kr", "sc", "tc"),
    "zh-hans": ("sc", "sans", "thai", "tamil", "tc", "jp", "kr"),
    "zh-hant": ("tc", "sans", "thai", "tamil", "sc", "jp", "kr"),
    "th": ("thai", "sans", "tamil", "sc", "tc", "jp", "kr"),
}
DEFAULT_CHAIN = ("sans", "thai", "tamil", "sc", "tc", "jp", "kr")

# Characters a CJK line may not start with (closing punctuation, small kana, prolonged sound).
_NO_LINE_START = set(
    "、。，．,.：:；;！!？?）)」』】〕〉》’”ー々ゃゅょっぁぃぅぇぉャュョッァィゥェォ～〜…・"
)
ZWSP = "\u200b"
_ZERO_WIDTH_JOINERS = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}


class MissingGlyph(ValueError):
    """No certificate font has a glyph for a character of the text."""

    def __init__(self, char: str, text: str, language: str):
        self.char = char
        self.text = text
        self.language = language
        name = unicodedata.name(char, "unnamed character")
        super().__init__(
            f"no certificate font covers U+{ord(char):04X} {name} in {text!r} ({language})"
        )


def normalize(text: str) -> str:
    """NFC, with line ends as ``\\n`` and tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return unicodedata.normalize("NFC", text)


def chain_for(language: str) -> tuple[str, ...]:
    return CHAINS.get(language, DEFAULT_CHAIN)


@lru_cache(maxsize=200_000)
def _family_for(char: str, chain: tuple[str, ...]) -> str | None:
    for family in chain:
        if fonts.covers(family, char):
            return family
    return None


def _is_mark(char: str) -> bool:
    return char in _ZERO_WIDTH_JOINERS or unicodedata.category(char) in ("Mn", "Mc", "Me")


def _is_kana(char: str) -> bool:
    return (
        "\u3040" <= char <= "\u30ff" or "\u31f0" <= char <= "\u31ff" or "\uff66" <= char <= "\uff9f"
    )


def _is_hangul(char: str) -> bool:
    return (
        "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"
    )


@lru_cache(maxsize=20_000)
def _cjk_face(chars: frozenset[str], chain: tuple[str, ...]) -> str | None:
    """The one CJK face of ``chain`` that covers all of ``chars`` (rule 3), or None."""
    faces = [family for family in chain if family in CJK_FAMILIES]
    if any(_is_kana(char) for char in chars):
        faces.sort(key=lambda family: family != "jp")
    elif any(_is_hangul(char) for char in chars):
        faces.sort(key=lambda family: family != "kr")
    for family in faces:
        if all(fonts.covers(family, char) for char in chars):
            return family
    return None


def _families(text: str, language: str, chain: tuple[str, ...]) -> list[str]:
    """The face of each character of ``text`` (rules 2 and 3)."""
    families = []
    for char in text:
        if "\ue000" <= char <= "\uf8ff":
            # Private use: shaped faces map their alternates there (fonts.py).
            raise MissingGlyph(char, text, language)
        family = _family_for(char, chain)
        if family is None:
            raise MissingGlyph(char, text, language)
        families.append(family)
    fallbacks = frozenset(
        char
        for char, family in zip(text, families, strict=True)
        if family in CJK_FAMILIES and family != chain[0]
    )
    if fallbacks:
        face = _cjk_face(fallbacks, chain)
        if face is not None:
            families = [
                face if family in CJK_FAMILIES and family != chain[0] else family
                for family in families
            ]
    return families


def split_runs(text: str, language: str) -> list[tuple[str, str]]:
    """``[(family key, text), ...]`` covering ``text`` (already NFC) in the language's chain.

    Raises ``MissingGlyph`` for a character no face covers.
    """
    chain = chain_for(language)
    runs: list[list[str]] = []
    for char, family in zip(text, _families(text, language, chain), strict=True):
        if runs and _is_mark(char) and fonts.covers(runs[-1][0], char):
            runs[-1][1] += char
            continue
        if runs and runs[-1][0] == family:
            runs[-1][1] += char
        else:
            runs.append([family, char])
    return [(family, chunk) for family, chunk in runs]


@dataclass(frozen=True)
class Run:
    """A piece of one line drawn in one face: ``text`` is what a reader copies out,
    ``glyphs`` what is drawn (a ``ShapedStr`` when shaping changed anything); ``lang`` the
    language tag of a run in a shaped script that is not the line's language (rule 5)."""

    font: str
    size: float
    text: str
    glyphs: str
    width: float
    lang: str = ""

    @property
    def shaped(self) -> bool:
        return isinstance(self.glyphs, ShapedStr)


def _needs_shaping(family: str, chunk: str) -> bool:
    if family not in fonts.SHAPED:
        return False
    first, last, _lang = fonts.SHAPED[family]
    return any(first <= char <= last for char in chunk)


@lru_cache(maxsize=20_000)
def make_runs(text: str, language: str, size: float, weight: str = "regular") -> tuple[Run, ...]:
    """The runs of one line of (NFC) text, shaped and measured. Cached: titles, bodies, dates
    and signatories repeat across a cohort's certificates (runs are immutable)."""
    out = []
    for family, chunk in split_runs(text, language):
        font = fonts.font_name(family, weight)
        lang = ""
        if _needs_shaping(family, chunk):
            script_lang = fonts.SHAPED[family][2]
            lang = script_lang if script_lang != language else ""
            glyphs = shapeStr(chunk, font, size)
            if isinstance(glyphs, ShapedStr):
                width = sum(data.x_advance for data in glyphs.__shapeData__) * size / 1000
            else:
                width = pdfmetrics.stringWidth(glyphs, font, size)
        else:
            glyphs = chunk
            width = pdfmetrics.stringWidth(chunk, font, size)
        out.append(Run(font, size, chunk, glyphs, width, lang))
    return tuple(out)


def width_of(runs: Sequence[Run]) -> float:
    return sum(run.width for run in runs)


def _actual_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def draw_runs(
    canvas, runs: Sequence[Run], x: float, y: float, align: str = "left", lang: str = ""
) -> float:
    """Draw one line; ``x`` is its left edge, centre or right edge by ``align``; ``lang`` is
    the line's language tag when it differs from the document's (rule 6). Returns the line's
    width."""
    width = width_of(runs)
    if align == "center":
        x -= width / 2
    elif align == "right":
        x -= width
    text = canvas.beginText(x, y)
    code = text._code
    if lang:
        code.append(f"/Span <</Lang ({lang})>> BDC")
    for run in runs:
        text.setTextOrigin(x, y)
        text.setFont(run.font, run.size)
        marks = []
        if run.shaped:
            marks.append(f"/ActualText {_actual_text(run.text)}")
        if run.lang:
            marks.append(f"/Lang ({run.lang})")
        if marks:
            code.append(f"/Span <<{' '.join(marks)}>> BDC")
            text.textOut(run.glyphs)
            code.append("EMC")
        else:
            text.textOut(run.glyphs)
        x += run.width
    if lang:
        code.append("EMC")
    canvas.drawText(text)
    return width


def fit_line(
    text: str, language: str, size: float, max_width: float, weight: str = "regular"
) -> Sequence[Run]:
    """One line of text at ``size``, or smaller (down to 40%) when it would exceed
    ``max_width``. Line ends become spaces; zero-width spaces (break hints) are dropped."""
    text = normalize(text).replace("\n", " ").replace(ZWSP, "")
    runs = make_runs(text, language, size, weight)
    width = width_of(runs)
    if width > max_width:
        runs = make_runs(text, language, max(size * 0.4, size * max_width / width), weight)
    return runs


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and not ("\uac00" <= char <= "\ud7a3")


def _atoms(text: str) -> list[str]:
    """Pieces between line-break opportunities: after spaces, at zero-width spaces (the break
    hints of Thai text, dropped), and around wide (CJK) characters except before closing
    punctuation. Spaces are atoms of their own."""
    atoms: list[str] = []
    current = ""
    for index, char in enumerate(text):
        if char == ZWSP:
            if current:
                atoms.append(current)
            current = ""
            continue
        if char == " ":
            if current:
                atoms.append(current)
            atoms.append(" ")
            current = ""
            continue
        previous = text[index - 1] if index else ""
        if (
            current
            and (_is_wide(char) or _is_wide(previous))
            and char not in _NO_LINE_START
            and not _is_mark(char)
        ):
            atoms.append(current)
            current = ""
        current += char
    if current:
        atoms.append(current)
    return atoms


def _clusters(atom: str) -> list[str]:
    """``atom`` cut before every character that is not a combining mark."""
    pieces: list[str] = []
    for char in atom:
        if pieces and _is_mark(char):
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _split_wide_atom(atom: str, language: str, size: float, weight: str, max_width: float):
    """An atom wider than a line (a long Thai phrase without spaces) cut between clusters."""
    parts: list[str] = []
    current = ""
    for cluster in _clusters(atom):
        if current and _atom_width(current + cluster, language, size, weight) > max_width:
            parts.append(current)
            current = ""
        current += cluster
    if current:
        parts.append(current)
    return parts


@lru_cache(maxsize=50_000)
def _atom_width(atom: str, language: str, size: float, weight: str) -> float:
    return width_of(make_runs(atom, language, size, weight))


def wrap(
    text: str, language: str, size: float, max_width: float, weight: str = "regular"
) -> list[Sequence[Run]]:
    """Lines of runs of a paragraph wrapped to ``max_width`` (explicit newlines kept).

    Atoms are measured one by one (cached: a cohort's certificates share their wording), each
    finished line is then shaped and measured as a whole."""
    lines: list[Sequence[Run]] = []
    for paragraph in normalize(text).split("\n"):
        line: list[str] = []
        width = 0.0
        atoms = []
        for atom in _atoms(paragraph):
            if _atom_width(atom, language, size, weight) > max_width:
                atoms.extend(_split_wide_atom(atom, language, size, weight, max_width))
            else:
                atoms.append(atom)
        for atom in atoms:
            atom_width = _atom_width(atom, language, size, weight)
            if atom != " " and "".join(line).strip() and width + atom_width > max_width:
                lines.append(make_runs("".join(line).strip(), language, size, weight))
                line, width = [], 0.0
            if atom == " " and not line:
                continue
            line.append(atom)
            width += atom_width
        if "".join(line).strip() or not paragraph:
            lines.append(make_runs("".join(line).strip(), language, size, weight))
    return lines
