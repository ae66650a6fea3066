"""lib/pdf.py: nothing but data: URLs and our static files is ever fetched; photos are
embedded print-sized; fonts follow the language; file names survive in UTF-8."""

from __future__ import annotations

import base64
import io
import socket
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from PIL import Image
from weasyprint import HTML

from houbei.lib.http import content_disposition
from houbei.lib.pdf import (
    BASE_URL,
    FetchRefused,
    LocalFetcher,
    cjk_font_family,
    image_data_uri,
    photo_data_uri,
)


def image_bytes(size: tuple[int, int], fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format=fmt)
    return buffer.getvalue()


def test_it_serves_our_static_files() -> None:
    response = LocalFetcher().fetch(f"{BASE_URL}static/css/pdf.css")
    assert response.content_type == "text/css"
    assert b"registration form" in response.read()


def test_it_serves_data_urls() -> None:
    response = LocalFetcher().fetch("data:text/plain;base64," + base64.b64encode(b"hi").decode())
    assert response.read() == b"hi"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/static/css/pdf.css",  # another host, even for a static path
        "http://127.0.0.1:8000/people/1/photo/",
        f"{BASE_URL}people/1/photo/",  # ours, but not a static file
        f"{BASE_URL}static/../../../../etc/passwd",
        f"{BASE_URL}static/css/missing.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_it_refuses_everything_else(url: str) -> None:
    with pytest.raises(FetchRefused):
        LocalFetcher().fetch(url)


def test_rendering_opens_no_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a PDF tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    html = (
        '<link rel="stylesheet" href="https://cdn.example.com/x.css">'
        '<p>村级后备力量登记表</p><img src="http://example.com/a.png">'
        '<img src="/people/1/photo/">'
    )
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf()
    assert pdf.startswith(b"%PDF")


def test_photos_are_embedded_print_sized() -> None:
    uri = image_data_uri(image_bytes((1200, 1600)))
    assert uri.startswith("data:image/jpeg;base64,")
    with Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))) as image:
        assert image.format == "JPEG" and max(image.size) == 480
    small = image_bytes((300, 400), "JPEG")
    assert image_data_uri(small) == "data:image/jpeg;base64," + base64.b64encode(small).decode()
    assert image_data_uri(b"not an image") == ""


def test_a_stored_photo_becomes_a_data_uri(tmp_path: Any) -> None:
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("p.jpg", ContentFile(image_bytes((60, 80), "JPEG")))
    field: Any = type("Field", (), {"storage": storage})()
    assert photo_data_uri(FieldFile(None, field, name)).startswith("data:image/jpeg;base64,")
    assert photo_data_uri(FieldFile(None, field, "gone.jpg")) == ""
    assert photo_data_uri(FieldFile(None, field, "")) == ""
    assert photo_data_uri(None) == ""


def test_chinese_is_set_in_noto_sans_cjk() -> None:
    assert cjk_font_family("zh-hans") == "Noto Sans CJK SC"
    assert cjk_font_family("en") == "Noto Sans CJK SC"
    assert cjk_font_family("zh-hant") == "Noto Sans CJK TC"


def test_file_names_are_utf8() -> None:
    assert content_disposition("方伟玲-登记表.pdf", inline=True) == (
        "inline; filename*=UTF-8''%E6%96%B9%E4%BC%9F%E7%8E%B2-%E7%99%BB%E8%AE%B0%E8%A1%A8.pdf"
    )
    assert content_disposition("a b;c.xlsx", inline=False) == (
        "attachment; filename*=UTF-8''a%20b%3Bc.xlsx"
    )
