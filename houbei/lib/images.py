"""Photos as uploaded from phones: checked, turned upright, shrunk and re-encoded.

Re-encoding to JPEG drops EXIF (location, device) and anything hidden after the image data;
Pillow's decompression-bomb limit refuses images with absurd pixel counts.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_EDGE = 800
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}


class PhotoError(ValueError):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def normalize_photo(
    upload: UploadedFile, *, max_bytes: int, max_edge: int = MAX_EDGE
) -> ContentFile[bytes]:
    if upload.size is not None and upload.size > max_bytes:
        raise PhotoError(
            _("The photo is larger than %(size)d MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format not in ALLOWED_FORMATS:
                raise PhotoError(_("The photo must be a JPEG, PNG or WebP image."))
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            upright = upright.convert("RGB")
            upright.thumbnail((max_edge, max_edge))
            buffer = io.BytesIO()
            upright.save(buffer, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise PhotoError(_("The file is not an image that can be read.")) from None
    return ContentFile(buffer.getvalue(), name="photo.jpg")
