"""Printable PDFs from Django templates, with WeasyPrint, offline.

Rules:
- Rendering never touches the network: the URL fetcher answers ``data:`` URLs and the
  project's own static files (``/static/...``, looked up with the staticfiles finders, then
  in the collected static root) and refuses everything else. Pages are laid out against a
  base URL on the reserved ``.invalid`` domain, so a stray absolute link resolves nowhere.
- Personal photos are only served through a scoped view, so a PDF embeds their bytes as
  ``data:`` URIs (``photo_data_uri``), shrunk to what print needs.
- Chinese is set in Noto Sans CJK (Debian's fonts-noto-cjk): the SC family for Simplified
  Chinese and English, TC for Traditional; templates read it as ``pdf_font_family``.
"""

from __future__ import annotations

import base64
import io
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from PIL import Image, UnidentifiedImageError
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from houbei.lib.http import content_disposition

# RFC 2606 reserves .invalid: nothing under it can ever be fetched.
BASE_URL = "https://houbei.invalid/"
FONT_FAMILIES = {"zh-hant": "Noto Sans CJK TC"}
DEFAULT_FONT_FAMILY = "Noto Sans CJK SC"
# A photo cell is 25 × 35 mm: 300 dpi needs about 300 × 420 pixels.
PHOTO_MAX_EDGE = 480


class FetchRefused(ValueError):
    """A resource a PDF asked for that is neither a data: URL nor a static file of ours."""


def cjk_font_family(language: str | None = None) -> str:
    """The Noto Sans CJK family for ``language`` (default: the active language)."""
    return FONT_FAMILIES.get((language or get_language() or "").lower(), DEFAULT_FONT_FAMILY)


def _static_file(path: str) -> Path | None:
    """The local file behind a ``/static/...`` path, or None."""
    static_url = urlsplit(settings.STATIC_URL).path
    if not path.startswith(static_url):
        return None
    name = unquote(path[len(static_url) :])
    if not name or ".." in Path(name).parts:
        return None
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found)
    # Production serves hashed names (css/pdf.1a2b3c.css) collected into STATIC_ROOT.
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


class LocalFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Fetches ``data:`` URLs and our static files; refuses anything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        local = None
        if f"{parts.scheme}://{parts.netloc}/" == BASE_URL:
            local = _static_file(parts.path)
        if local is None:
            raise FetchRefused(f"not fetched while rendering a PDF: {url}")
        content_type = mimetypes.guess_type(local.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=local.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(
    template_name: str, context: dict[str, Any], *, request: HttpRequest | None = None
) -> bytes:
    """The template rendered as a PDF document (bytes)."""
    html = render_to_string(
        template_name, {"pdf_font_family": cjk_font_family(), **context}, request=request
    )
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher())
    data = document.write_pdf()
    if not isinstance(data, bytes):  # write_pdf returns bytes when given no target
        raise TypeError("WeasyPrint returned no PDF")
    return data


def image_data_uri(data: bytes, *, max_edge: int = PHOTO_MAX_EDGE) -> str:
    """An image as a JPEG ``data:`` URI, no larger than ``max_edge`` pixels a side;
    "" when the bytes are not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format == "JPEG" and max(image.size) <= max_edge:
                small = data  # already print-sized: keep the bytes as they are
            else:
                picture = image.convert("RGB")
                picture.thumbnail((max_edge, max_edge))
                buffer = io.BytesIO()
                picture.save(buffer, format="JPEG", quality=85)
                small = buffer.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(small).decode("ascii")


def photo_data_uri(photo: FieldFile | None, *, max_edge: int = PHOTO_MAX_EDGE) -> str:
    """A stored photo (``Person.photo``) as a ``data:`` URI to embed; "" without one (or
    when its file is gone), so the form prints its empty photo box."""
    if not photo:
        return ""
    try:
        with photo.open("rb") as stream:
            data = stream.read()
    except OSError:
        return ""
    return image_data_uri(data, max_edge=max_edge)


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (the user prints or saves it from there)."""
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, inline=True)
    return response
