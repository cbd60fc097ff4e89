"""Profile pictures: checked to be real images of sane size, stored small."""

import io
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

PICTURE_SIZE = 256
# Refuse images that would take huge memory to decode (decompression bombs).
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
TOO_MANY_PIXELS = "This picture has too many pixels. Please choose a smaller one."
NOT_A_PICTURE = "This file is not a picture we can read. Please upload a JPEG, PNG, GIF or WebP picture."


def size_limit_text() -> str:
    """The picture size limit in words, e.g. "5 MB" or "512 KB"."""
    limit = settings.MAX_PICTURE_BYTES
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MB"
    return f"{max(1, limit // 1024)} KB"


def process_picture(upload) -> ContentFile:
    """Validate an uploaded picture and return it as a square PNG."""
    if upload.size > settings.MAX_PICTURE_BYTES:
        raise ValidationError(f"This picture is too large. Please choose one under {size_limit_text()}.", code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError("Please upload a JPEG, PNG, GIF or WebP picture.", code="bad_format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="too_big")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            # JPEGs can be decoded at 1/2, 1/4 or 1/8 scale: far less memory for big photos.
            image.draft(None, (PICTURE_SIZE, PICTURE_SIZE))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            image = ImageOps.fit(image, (PICTURE_SIZE, PICTURE_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to even open images far beyond its own pixel limit.
        raise ValidationError(TOO_MANY_PIXELS, code="too_big")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError):
        # Pillow's decoders raise any of these on crafted or damaged files.
        raise ValidationError(NOT_A_PICTURE, code="invalid")
    return ContentFile(out.getvalue(), name="picture.png")
