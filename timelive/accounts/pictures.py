"""Profile pictures: checked to be real images of sane size, stored small."""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

PICTURE_SIZE = 256
# Refuse images that would take huge memory to decode (decompression bombs).
MAX_PIXELS = 40_000_000
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def process_picture(upload) -> ContentFile:
    """Validate an uploaded picture and return it as a square PNG."""
    if upload.size > settings.MAX_PICTURE_BYTES:
        limit = settings.MAX_PICTURE_BYTES // (1024 * 1024)
        raise ValidationError(f"This picture is too large. Please choose one under {limit} MB.", code="too_large")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError("Please upload a JPEG, PNG, GIF or WebP picture.", code="bad_format")
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError("This picture has too many pixels. Please choose a smaller one.", code="too_big")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            image = ImageOps.fit(image, (PICTURE_SIZE, PICTURE_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError("This file is not a picture we can read. Please upload a JPEG or PNG.", code="invalid")
    return ContentFile(out.getvalue(), name="picture.png")
