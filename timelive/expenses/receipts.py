"""Receipts: checked by what the file holds, not by its name or the browser's word.

An image must open in Pillow as a JPEG, PNG, GIF or WebP of sane size; a PDF must
start with the PDF header and end with its end-of-file marker. Anything else is
refused with a message that says what is accepted.
"""

import struct

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image, UnidentifiedImageError

MAX_RECEIPT_BYTES = 10 * 1024 * 1024
MAX_RECEIPTS = 10
# Refuse images that would take huge memory to decode (decompression bombs).
MAX_PIXELS = 40_000_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF_TYPE = "application/pdf"
ACCEPTED = "a picture (JPEG, PNG, GIF or WebP) or a PDF"


def _is_pdf(upload) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    if b"%PDF-" not in head:
        return False
    # The end-of-file marker sits in the last kilobyte of a whole PDF.
    upload.seek(max(0, upload.size - 1024))
    return b"%%EOF" in upload.read(1024)


def _image_type(upload, label) -> str | None:
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = IMAGE_TYPES.get(probe.format)
            if kind is None:
                return None
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(f"{label} has too many pixels. Please upload a smaller picture.", code="too_big")
            probe.verify()
        return kind
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(f"{label} has too many pixels. Please upload a smaller picture.", code="too_big")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError,
            TypeError):
        # Pillow's decoders raise any of these on crafted or damaged files.
        return None


def receipt_content_type(upload) -> str:
    """The real type of an uploaded receipt ("image/png", "application/pdf"…), or ValidationError saying why not."""
    label = f"“{upload.name}”" if upload.name else "This file"
    if upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError(f"{label} is larger than {MAX_RECEIPT_BYTES // (1024 * 1024)} MB. "
                              "Please upload a smaller file (a photo at lower resolution, say).", code="too_large")
    if upload.size == 0:
        raise ValidationError(f"{label} is empty.", code="empty")
    kind = PDF_TYPE if _is_pdf(upload) else _image_type(upload, label)
    upload.seek(0)
    if kind is None:
        raise ValidationError(f"{label} is not {ACCEPTED}. Only those can be kept as receipts.", code="bad_type")
    return kind


def check_receipts(uploads, *, existing: int = 0) -> list[tuple]:
    """[(upload, content type)] for the uploads, or one ValidationError listing every problem."""
    if existing + len(uploads) > MAX_RECEIPTS:
        raise ValidationError(f"An expense can have at most {MAX_RECEIPTS} receipts.", code="too_many")
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append((upload, receipt_content_type(upload)))
        except ValidationError as exc:
            problems.append(exc)
    if problems:
        raise ValidationError(problems)
    return checked


def delete_files_later(names):
    """Remove stored files once the transaction that dropped their rows has committed."""
    from django.core.files.storage import default_storage

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                pass

    transaction.on_commit(remove)
