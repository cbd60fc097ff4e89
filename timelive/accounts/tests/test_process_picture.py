import io
import random

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase
from django.test.utils import ignore_warnings
from PIL import Image

from timelive.accounts.pictures import process_picture

from .helpers import image_bytes


def upload(content: bytes):
    return SimpleUploadedFile("p", content)


def result(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(process_picture(upload(content)).read()))


class ProcessPictureTestCase(SimpleTestCase):
    def test_it_crops_to_a_square_from_the_middle(self):
        out = io.BytesIO()
        wide = Image.new("RGB", (300, 100), (255, 0, 0))
        wide.paste((0, 0, 255), (100, 0, 200, 100))
        wide.save(out, format="PNG")
        image = result(out.getvalue()).convert("RGB")
        self.assertEqual(image.size, (256, 256))
        self.assertEqual(image.getpixel((128, 128)), (0, 0, 255))

    def test_it_turns_a_photo_by_its_exif_orientation(self):
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise to show
        tall = Image.new("RGB", (400, 200), (0, 255, 0))
        tall.paste((255, 0, 0), (0, 0, 200, 200))
        tall.save(out, format="JPEG", exif=exif)
        image = result(out.getvalue()).convert("RGB")
        # After turning, the red half is on top: the square crop is the middle band of both halves.
        top, bottom = image.getpixel((128, 10)), image.getpixel((128, 245))
        self.assertGreater(top[0], 200)
        self.assertGreater(bottom[1], 200)

    def test_it_keeps_transparency(self):
        out = io.BytesIO()
        Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
        image = result(out.getvalue())
        self.assertEqual(image.mode, "RGBA")
        self.assertEqual(image.getpixel((5, 5))[3], 0)

    def test_it_handles_a_big_photo(self):
        image = result(image_bytes((4000, 3000), fmt="JPEG"))
        self.assertEqual(image.size, (256, 256))

    def test_it_handles_palette_and_grey_images(self):
        for mode in ("P", "L", "1", "LA", "CMYK"):
            out = io.BytesIO()
            Image.new(mode, (30, 30)).save(out, format="JPEG" if mode == "CMYK" else "PNG")
            self.assertEqual(result(out.getvalue()).size, (256, 256), mode)

    @ignore_warnings(category=Image.DecompressionBombWarning)
    def test_it_gives_a_message_never_a_crash_for_damaged_files(self):
        rng = random.Random(7)
        for fmt in ("PNG", "JPEG", "GIF", "WEBP"):
            base = image_bytes((32, 24), fmt=fmt)
            for _ in range(60):
                damaged = bytearray(base)
                for _ in range(rng.randint(1, 6)):
                    damaged[rng.randrange(2, len(damaged))] = rng.randrange(256)
                if rng.random() < 0.3:
                    damaged = damaged[: rng.randrange(len(damaged))]
                try:
                    process_picture(upload(bytes(damaged)))
                except ValidationError:
                    pass
