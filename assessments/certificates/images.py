"""Logos and signature images on certificates, prepared once per process.

Rules:

- An image (PNG bytes, or any format Pillow reads) is scaled down to 200 dpi at the size it is
  drawn (never up; kept as it is when that compresses smaller), flattened to RGB with its
  transparency as a soft mask, and compressed once as PNG does (Flate with PNG row predictors,
  which PDF reads as they are). The result is cached for the life of the process (a cohort's
  certificates share their logos and signatures): drawing it then costs no image work at all.
- Images share the 80 KB budget of a certificate with the fonts (30-47 KB): logos and
  signatures of 5-15 KB each as PNG fit.
- The image's PDF name is a digest of its prepared pixels: same image, same bytes.
- Bytes that are not an image raise ``ImageError`` (``render_certificate`` raises it as a
  ``CertificateError``).
"""

from __future__ import annotations

import hashlib
import io
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, UnidentifiedImageError
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFImageXObject,
    PDFName,
    PDFStream,
)

DPI = 200


class ImageError(ValueError):
    """Bytes given as a logo or signature are not a readable image."""


@dataclass(frozen=True)
class PreparedImage:
    name: str
    width: int
    height: int
    rgb: bytes  # RGB samples: zlib stream with PNG predictors
    alpha: bytes | None  # 8-bit soft mask likewise, None when opaque

    @property
    def size(self) -> int:
        return len(self.rgb) + len(self.alpha or b"")

    def fit(self, max_w: float, max_h: float) -> tuple[float, float]:
        """The drawn size (points) of the image scaled to fit the box, aspect kept."""
        scale = min(max_w / self.width, max_h / self.height)
        return self.width * scale, self.height * scale


@lru_cache(maxsize=128)
def prepare(data: bytes, max_w: float, max_h: float) -> PreparedImage:
    """``data`` made ready to draw in a box of ``max_w`` x ``max_h`` points."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ImageError(f"not a readable image: {exc}") from exc
    if image.mode not in ("RGB", "RGBA"):
        has_alpha = image.mode in ("LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    scale = min(max_w / image.width, max_h / image.height)  # points per pixel
    target = (
        max(1, math.ceil(image.width * scale * DPI / 72)),
        max(1, math.ceil(image.height * scale * DPI / 72)),
    )
    prepared = _encode(image)
    if target[0] < image.width:
        # Scaling down blurs crisp artwork, which can compress worse: keep the smaller.
        smaller = _encode(image.resize(target, Image.Resampling.LANCZOS))
        if smaller.size < prepared.size:
            prepared = smaller
    return prepared


def _encode(image: Image.Image) -> PreparedImage:
    alpha = None
    if image.mode == "RGBA":
        mask = image.getchannel("A")
        if mask.getextrema() != (255, 255):
            alpha = _png_stream(mask)
        image = image.convert("RGB")
    rgb = _png_stream(image)
    digest = hashlib.sha256(rgb + (alpha or b"")).hexdigest()[:24]
    return PreparedImage(f"certimg{digest}", image.width, image.height, rgb, alpha)


def _png_stream(image: Image.Image) -> bytes:
    """The zlib stream (IDAT chunks) of ``image`` saved as a non-interlaced PNG."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9)
    data = buffer.getvalue()
    out = []
    position = 8  # after the signature
    while position < len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            out.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    stream = b"".join(out)
    zlib.decompress(stream)  # a complete stream, or fail here rather than in a PDF viewer
    return stream


class _PngImageXObject(PDFImageXObject):
    """An image XObject whose Flate stream uses PNG predictors (``/DecodeParms``)."""

    def format(self, document):
        stream = PDFStream(content=self.streamContent)
        entries = stream.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Image")
        entries["Width"] = self.width
        entries["Height"] = self.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = PDFName(self.colorSpace)
        if getattr(self, "_decode", None):
            entries["Decode"] = PDFArray(self._decode)
        entries["Filter"] = PDFName("FlateDecode")
        colours = 3 if self.colorSpace == "DeviceRGB" else 1
        entries["DecodeParms"] = PDFDictionary(
            {"Predictor": 15, "Colors": colours, "BitsPerComponent": 8, "Columns": self.width}
        )
        entries["Length"] = len(self.streamContent)
        if getattr(self, "smask", None):
            entries["SMask"] = self.smask
        return stream.format(document)


def _xobject(name: str, image: PreparedImage, content: bytes, colour_space: str):
    obj = _PngImageXObject(name)
    obj.width, obj.height = image.width, image.height
    obj.bitsPerComponent = 8
    obj.colorSpace = colour_space
    obj._filters = ("FlateDecode",)
    obj.streamContent = content
    obj.mask = None
    return obj


def draw(canvas, image: PreparedImage, x: float, y: float, width: float, height: float):
    """Draw a prepared image with its lower left corner at ``x``, ``y`` (reportlab's
    ``drawImage`` without re-encoding the image for every document)."""
    doc = canvas._doc
    reg_name = doc.getXObjectName(image.name)
    if reg_name not in doc.idToObject:
        obj = _xobject(image.name, image, image.rgb, "DeviceRGB")
        if image.alpha is not None:
            mask = _xobject(image.name + "a", image, image.alpha, "DeviceGray")
            mask._decode = [0, 1]
            canvas._setXObjects(mask)
            obj.smask = doc.Reference(mask, doc.getXObjectName(mask.name))
        canvas._setXObjects(obj)
        doc.Reference(obj, reg_name)
        doc.addForm(image.name, obj)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{reg_name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(image.name)
