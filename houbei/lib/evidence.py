"""Evidence files (photos and PDFs of deeds): checked by content, not by name.

Images are re-encoded like photos (no EXIF, no trailing data); PDFs must start with the PDF
signature and carry no JavaScript or embedded files, the usual vehicles of PDF malware."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from houbei.lib.images import PhotoError, normalize_photo

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|EmbeddedFile|Launch)\b")


class EvidenceError(ValueError):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CheckedEvidence:
    data: bytes
    content_type: str
    suggested_name: str


def check_evidence(upload: UploadedFile) -> CheckedEvidence:
    if upload.size is not None and upload.size > MAX_EVIDENCE_BYTES:
        raise EvidenceError(_("%(name)s is larger than 10 MB.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        data = upload.read()
        if _PDF_ACTIVE.search(data):
            raise EvidenceError(
                _("%(name)s contains scripts or embedded files; save it again as a plain PDF.")
                % {"name": upload.name}
            )
        return CheckedEvidence(
            data=data, content_type="application/pdf", suggested_name="evidence.pdf"
        )
    try:
        photo = normalize_photo(upload, max_bytes=MAX_EVIDENCE_BYTES, max_edge=2000)
    except PhotoError:
        raise EvidenceError(
            _("%(name)s is neither an image nor a PDF.") % {"name": upload.name}
        ) from None
    return CheckedEvidence(
        data=photo.read(), content_type="image/jpeg", suggested_name="evidence.jpg"
    )
