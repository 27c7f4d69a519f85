"""Checking uploaded files before they are kept (quality item R9).

One validator for every form that takes files: :func:`check_upload` looks at the name, the size
and the bytes of an upload and either returns what it found (:class:`CheckedUpload`: the kind,
content type, size and SHA-256) or raises ``ValidationError`` with a translated reason that tells
the person what to do. :class:`SafeFileField` wraps it for forms.

What is refused, in the order the checks run:

* names: empty, with NUL or other control characters, with a path (``/`` or ``\\``), longer than
  ``UPLOAD_MAX_NAME_LENGTH`` (200), with two extensions (``cv.pdf.exe``, ``cv.exe.pdf``), or an
  extension that is not accepted here;
* sizes: empty files and files over the limit (``UPLOAD_MAX_SIZE``, 10 MB unless the field says
  otherwise);
* contents: programs (Windows, Linux, macOS executables, scripts), web pages and SVG images, and
  any file whose bytes are not the kind its extension claims (checked with ``filetype`` and by
  opening the file);
* Office and OpenDocument files: zip bombs (too many entries, too much data once unpacked, an
  unlikely compression ratio) and documents with macros (``vbaProject.bin``, macro-enabled
  content types, OpenDocument Basic or script folders);
* PDFs that run JavaScript or launch programs; images too large to decode safely.

The name a person gave is kept for display only; storage always uses a generated name. Django's
multipart parser already drops a path and control characters from names sent by browsers; the
checks here also cover names that reach the validator another way.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    """An accepted kind of file."""

    code: str
    extensions: tuple[str, ...]
    content_type: str
    label: str


KINDS: dict[str, Kind] = {
    "pdf": Kind("pdf", ("pdf",), "application/pdf", "PDF"),
    "docx": Kind(
        "docx",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "DOCX",
    ),
    "odt": Kind("odt", ("odt",), "application/vnd.oasis.opendocument.text", "ODT"),
    "jpeg": Kind("jpeg", ("jpg", "jpeg"), "image/jpeg", "JPEG"),
    "png": Kind("png", ("png",), "image/png", "PNG"),
}

DOCUMENTS = ("pdf", "docx", "odt")
IMAGES = ("jpeg", "png")
ALL_KINDS = DOCUMENTS + IMAGES

# Extensions that, met inside a name ("cv.pdf.exe", "cv.exe.pdf"), show a disguised file.
KNOWN_EXTENSIONS = frozenset(
    {
        # programs and scripts
        "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "hta", "jar",
        "js", "jse", "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "sh", "bash", "py", "pl", "php",
        "rb", "app", "apk", "dmg", "pkg", "deb", "rpm", "bin", "run", "lnk", "reg", "iso",
        # web content
        "html", "htm", "xhtml", "svg", "svgz", "xml", "mht", "mhtml", "shtml",
        # documents, images and archives
        "pdf", "doc", "docx", "docm", "dot", "dotx", "dotm", "odt", "ott", "rtf", "txt", "xls",
        "xlsx", "xlsm", "ppt", "pptx", "pptm", "jpg", "jpeg", "png", "gif", "bmp", "tif",
        "tiff", "webp", "heic", "zip", "rar", "7z", "gz", "tar",
    }
)  # fmt: skip

# Magic numbers of programs (checked before the kind, for a clearer reason).
EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows (PE/DOS)
    b"\x7fELF",  # Linux and other Unix
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # scripts
)
MARKUP = re.compile(rb"<\s*(!doctype\s+html|html|head|body|svg|script|iframe|\?xml)\b", re.I)
PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2}){1,40})")
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n.*?endstream", re.S)
PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch"})
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject", b"activex")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_upload_size() -> int:
    return _setting("UPLOAD_MAX_SIZE", 10 * MB)


@dataclass(frozen=True)
class CheckedUpload:
    """What the validator found out about an accepted upload."""

    name: str  # the name as the person gave it (display only)
    kind: str  # a key of KINDS
    extension: str  # with the dot, lower case: ".pdf"
    content_type: str
    size: int
    sha256: str


def _refuse(message, code: str, **params):
    raise ValidationError(message, code=code, params=params or None)


def allowed_label(kinds) -> str:
    return ", ".join(KINDS[k].label for k in kinds)


def accept_attribute(kinds) -> str:
    """The ``accept`` attribute of a file input for these kinds."""
    values = []
    for code in kinds:
        values += [f".{ext}" for ext in KINDS[code].extensions] + [KINDS[code].content_type]
    return ",".join(values)


# -- Names -----------------------------------------------------------------------------------


def check_name(name: str, kinds) -> tuple[str, Kind]:
    """The lower-case final extension and its kind; refuses bad names."""
    if not name or not name.strip():
        _refuse(_("The file has no name. Rename it and try again."), "name_missing")
    if "\x00" in name or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        _refuse(
            _(
                "The file name contains invisible control characters. Rename the file using "
                "letters, digits, spaces, dashes and dots only, then try again."
            ),
            "name_control_characters",
        )
    if "/" in name or "\\" in name:
        _refuse(
            _(
                "The file name contains a folder path (a / or \\ character). Send the file itself "
                "with a plain name."
            ),
            "name_path",
        )
    limit = _setting("UPLOAD_MAX_NAME_LENGTH", 200)
    if len(name) > limit:
        _refuse(
            _("The file name has %(length)d characters; the limit is %(limit)d. Shorten it."),
            "name_too_long",
            length=len(name),
            limit=limit,
        )
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip(" .") or not extension.strip():
        _refuse(
            _("The file name has no extension. Accepted kinds: %(allowed)s."),
            "extension",
            allowed=allowed_label(kinds),
        )
    extension = extension.strip().lower()
    inner = [part.strip().lower() for part in stem.split(".")[1:]]
    if any(part in KNOWN_EXTENSIONS for part in inner):
        _refuse(
            _(
                "The file name “%(name)s” has more than one extension, which can hide what the "
                "file really is. Rename it so that it ends with one extension, such as .pdf."
            ),
            "double_extension",
            name=name,
        )
    for code in kinds:
        if extension in KINDS[code].extensions:
            return extension, KINDS[code]
    _refuse(
        _("Files of type .%(extension)s are not accepted here. Accepted kinds: %(allowed)s."),
        "extension",
        extension=extension,
        allowed=allowed_label(kinds),
    )
    raise AssertionError("unreachable")


# -- Contents --------------------------------------------------------------------------------


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = b"".join(upload.chunks()) if hasattr(upload, "chunks") else upload.read()
    upload.seek(0)
    return data


def _looks_like_markup(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if text.startswith(b"<"):
        return True
    return bool(MARKUP.search(head[:4096]))


def _mismatch(kind: Kind, found: str | None):
    if found:
        _refuse(
            _(
                "The file is called .%(extension)s but its content is a %(found)s file. Save it "
                "again as a real %(expected)s file."
            ),
            "mismatch",
            extension=kind.extensions[0],
            found=found.upper(),
            expected=kind.label,
        )
    _refuse(
        _(
            "The file's content is not a %(expected)s file. Save it again as a real "
            "%(expected)s file."
        ),
        "mismatch",
        expected=kind.label,
    )


def _check_zip(data: bytes, kind: Kind) -> zipfile.ZipFile:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        _refuse(
            _("The %(expected)s file is damaged and cannot be opened. Save it again and retry."),
            "damaged",
            expected=kind.label,
        )
    max_entries = _setting("UPLOAD_MAX_ZIP_ENTRIES", 1000)
    if len(entries) > max_entries:
        _refuse(
            _(
                "The document is made of %(count)d parts (the limit is %(limit)d), which is how "
                "files built to overwhelm servers look. Save it again as a plain document."
            ),
            "zip_bomb",
            count=len(entries),
            limit=max_entries,
        )
    total = sum(max(entry.file_size, 0) for entry in entries)
    max_total = _setting("UPLOAD_MAX_UNCOMPRESSED_SIZE", 100 * MB)
    max_ratio = _setting("UPLOAD_MAX_COMPRESSION_RATIO", 100)
    compressed = max(len(data), 1)
    too_dense = any(
        entry.file_size > MB and entry.file_size > max_ratio * max(entry.compress_size, 1)
        for entry in entries
    )
    if total > max_total or total > max_ratio * compressed or too_dense:
        _refuse(
            _(
                "The document would unpack to %(size)s, far more than its own size: it looks "
                "like a “zip bomb” and was refused. Save it again as a plain document."
            ),
            "zip_bomb",
            size=filesizeformat(total),
        )
    return archive


def _bounded_read(archive: zipfile.ZipFile, name: str, limit: int = 2 * MB) -> bytes:
    with archive.open(name) as member:
        return member.read(limit)


def _refuse_macros():
    _refuse(
        _(
            "The document contains macros (programs that run when it is opened), which are not "
            "accepted. Save it as a document without macros (.docx or .odt) and try again."
        ),
        "macro",
    )


def _check_docx(data: bytes, kind: Kind) -> None:
    archive = _check_zip(data, kind)
    names = {entry.filename for entry in archive.infolist()}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        _mismatch(kind, "zip" if data.startswith(b"PK") else None)
    lowered = {name.lower() for name in names}
    if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in lowered):
        _refuse_macros()
    if any(name.startswith(("word/activex/", "customui/")) for name in lowered):
        _refuse_macros()
    content_types = _bounded_read(archive, "[Content_Types].xml").lower()
    if any(marker in content_types for marker in MACRO_CONTENT_TYPES):
        _refuse_macros()


def _check_odt(data: bytes, kind: Kind) -> None:
    archive = _check_zip(data, kind)
    names = {entry.filename for entry in archive.infolist()}
    if "mimetype" not in names or "content.xml" not in names:
        _mismatch(kind, "zip" if data.startswith(b"PK") else None)
    if _bounded_read(archive, "mimetype", 200).strip() != kind.content_type.encode():
        _mismatch(kind, None)
    lowered = {name.lower() for name in names}
    if any(name.startswith(("basic/", "scripts/")) for name in lowered):
        _refuse_macros()


def _check_pdf(data: bytes, kind: Kind) -> None:
    if b"%%EOF" not in data:
        _refuse(
            _("The PDF file is incomplete or damaged. Save it again and retry."),
            "damaged",
        )
    # Names are looked for in the objects, not inside streams (binary page content and images
    # would give false alarms).
    outside_streams = PDF_STREAM.sub(b" ", data)
    for match in PDF_NAME.finditer(outside_streams):
        raw = match.group(1)
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        if name in PDF_ACTIVE_NAMES:
            _refuse(
                _(
                    "The PDF contains JavaScript or an action that starts a program, which is "
                    "not accepted. Print it to a new PDF (or export it again) and retry."
                ),
                "pdf_active_content",
            )


def _check_image(data: bytes, kind: Kind) -> None:
    import io
    import warnings

    from PIL import Image

    max_pixels = _setting("UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise Image.DecompressionBombError
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(
            _("The image is too large to open safely. Send a smaller picture or a scan."),
            "image_too_large",
        )
    except Exception:  # Pillow raises many kinds of errors for damaged data.
        _refuse(
            _("The %(expected)s image is damaged and cannot be opened. Save it again and retry."),
            "damaged",
            expected=kind.label,
        )


def check_content(data: bytes, kind: Kind) -> None:
    head = data[:8192]
    if any(head.startswith(signature) for signature in EXECUTABLE_SIGNATURES):
        _refuse(
            _("The file is a program, not a document. Only documents and pictures are accepted."),
            "executable",
        )
    found = filetype.guess(head)
    found_code = found.extension if found else None
    if found_code is None and _looks_like_markup(head):
        _refuse(
            _(
                "The file is a web page or an SVG drawing, which can carry scripts and is not "
                "accepted. Save it as %(expected)s."
            ),
            "markup",
            expected=kind.label,
        )
    if found is not None and found.extension in ("exe", "elf", "dex", "class", "swf"):
        _refuse(
            _("The file is a program, not a document. Only documents and pictures are accepted."),
            "executable",
        )
    matches = {
        "pdf": found_code == "pdf",
        "jpeg": found_code == "jpg",
        "png": found_code == "png",
        # Office files are zips; filetype names them only when the first parts are in the usual
        # order, so a zip is opened and inspected below as well.
        "docx": found_code in ("docx", "zip"),
        "odt": found_code in ("odt", "zip"),
    }[kind.code]
    if not matches:
        _mismatch(kind, found_code)
    {
        "pdf": _check_pdf,
        "docx": _check_docx,
        "odt": _check_odt,
        "jpeg": _check_image,
        "png": _check_image,
    }[kind.code](data, kind)


def check_upload(upload, kinds=DOCUMENTS, *, max_size: int | None = None) -> CheckedUpload:
    """Check an uploaded file (Django ``UploadedFile`` or any file object with ``name``).

    Returns the findings or raises ``ValidationError`` with one translated reason. The file is
    read into memory (it is at most ``max_size`` bytes) and rewound afterwards.
    """
    name = getattr(upload, "name", "") or ""
    extension, kind = check_name(name, kinds)
    limit = max_size or max_upload_size()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        _refuse(
            _("The file is %(size)s; the limit is %(limit)s. Send a smaller file."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(limit),
        )
    data = _read_all(upload)
    if not data:
        _refuse(_("The file is empty. Choose the file again."), "empty")
    if len(data) > limit:
        _refuse(
            _("The file is %(size)s; the limit is %(limit)s. Send a smaller file."),
            "too_large",
            size=filesizeformat(len(data)),
            limit=filesizeformat(limit),
        )
    check_content(data, kind)
    return CheckedUpload(
        name=name,
        kind=kind.code,
        extension=f".{extension}",
        content_type=kind.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


class SafeFileField(forms.FileField):
    """A file field that runs :func:`check_upload`; the cleaned file carries ``.checked``."""

    widget = forms.FileInput

    def __init__(self, *, kinds=DOCUMENTS, max_size: int | None = None, **kwargs):
        self.kinds = tuple(kinds)
        self.max_size = max_size
        kwargs.setdefault("max_length", None)
        # Empty files get the validator's own, clearer message.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", accept_attribute(self.kinds))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial and hasattr(upload, "read"):
            upload.checked = check_upload(upload, self.kinds, max_size=self.max_size)
        return upload


__all__ = [
    "ALL_KINDS",
    "DOCUMENTS",
    "IMAGES",
    "KINDS",
    "CheckedUpload",
    "SafeFileField",
    "accept_attribute",
    "allowed_label",
    "check_upload",
    "max_upload_size",
]


def save_checked_upload(row, upload, stem: str):
    """Store an upload accepted by :func:`check_upload` (``upload.checked``) in ``row``, a model
    with ``file``, ``original_name``, ``content_type``, ``size`` and ``sha256``: under a
    generated name (the uploaded one is kept only as ``original_name``), then save the row."""
    checked = upload.checked
    row.original_name = checked.name[:255]
    row.content_type = checked.content_type
    row.size = checked.size
    row.sha256 = checked.sha256
    upload.seek(0)
    row.file.save(f"{stem}{checked.extension}", upload, save=False)
    row.save()
    return row
