import io
from unittest.mock import patch

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image

from timelive.test import BaseTestCase

from .helpers import image_bytes, png_header_only

NOT_A_PICTURE = "This file is not a picture we can read"


class PictureUploadTestCase(BaseTestCase):
    url = "/account/profile/"

    def setUp(self):
        super().setUp()
        self.login(self.alice)

    def upload(self, content, name="me.png", content_type="image/png", **extra):
        data = {"full_name": "Alice Example", "time_zone": "UTC", **extra}
        if content is not None:
            data["picture_upload"] = SimpleUploadedFile(name, content, content_type=content_type)
        return self.client.post(self.url, data)

    def stored_image(self):
        self.alice.refresh_from_db()
        with self.alice.picture.open("rb") as f:
            return Image.open(io.BytesIO(f.read()))

    def test_it_stores_a_png_resized_to_256(self):
        r = self.upload(image_bytes((640, 480)))
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        image = self.stored_image()
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size, (256, 256))
        self.assertTrue(self.alice.picture.name.startswith(f"pictures/{self.alice.code}/"))
        self.assertTrue(self.alice.picture.name.endswith(".png"))

    def test_it_stores_a_jpeg_as_png(self):
        self.upload(image_bytes((50, 80), fmt="JPEG"), name="me.jpg", content_type="image/jpeg")
        image = self.stored_image()
        self.assertEqual((image.format, image.size), ("PNG", (256, 256)))

    def test_it_accepts_gif_and_webp(self):
        for fmt in ("GIF", "WEBP"):
            self.upload(image_bytes((20, 20), fmt=fmt), name=f"me.{fmt.lower()}")
            self.assertEqual(self.stored_image().size, (256, 256), fmt)

    def test_it_goes_by_the_content_not_the_name(self):
        # A JPEG called .png, sent as text/plain, is still a JPEG picture.
        self.upload(image_bytes((30, 30), fmt="JPEG"), name="me.png", content_type="text/plain")
        self.assertEqual(self.stored_image().size, (256, 256))

    def test_it_refuses_a_text_file_named_png(self):
        r = self.upload(b"hello, I am not a picture\n" * 10)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, NOT_A_PICTURE)
        self.assertContains(r, 'id="id_picture_upload_error"')
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.picture)

    def test_it_refuses_an_empty_file(self):
        r = self.upload(b"")
        self.assertEqual(r.status_code, 200)
        self.assertIn("picture_upload", r.context["form"].errors)

    def test_it_refuses_a_truncated_image(self):
        r = self.upload(image_bytes((200, 200))[:120])
        self.assertContains(r, NOT_A_PICTURE)

    def test_it_refuses_other_image_formats(self):
        out = io.BytesIO()
        Image.new("RGB", (10, 10)).save(out, format="BMP")
        r = self.upload(out.getvalue(), name="me.bmp")
        self.assertContains(r, "Please upload a JPEG, PNG, GIF or WebP picture.")

    def test_it_refuses_an_svg(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        r = self.upload(svg, name="me.svg", content_type="image/svg+xml")
        self.assertContains(r, NOT_A_PICTURE)

    @override_settings(MAX_PICTURE_BYTES=2048)
    def test_it_refuses_a_file_over_the_size_limit(self):
        r = self.upload(b"\x89PNG" + b"0" * 4096)
        self.assertContains(r, "This picture is too large.")
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.picture)

    def test_it_names_the_size_limit(self):
        r = self.upload(b"0" * (5 * 1024 * 1024 + 1))
        self.assertContains(r, "under 5 MB")

    def test_it_refuses_a_decompression_bomb(self):
        r = self.upload(png_header_only(50_000, 50_000))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This picture has too many pixels.")
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.picture)

    def test_it_refuses_an_image_over_the_pixel_limit(self):
        with patch("timelive.accounts.pictures.MAX_PIXELS", 100 * 100):
            r = self.upload(image_bytes((101, 100)))
        self.assertContains(r, "This picture has too many pixels.")

    def test_it_replaces_the_old_picture_and_deletes_its_file(self):
        self.upload(image_bytes())
        self.alice.refresh_from_db()
        old = self.alice.picture.name
        storage = self.alice.picture.storage
        self.upload(image_bytes(color=(0, 0, 255)))
        self.alice.refresh_from_db()
        self.assertNotEqual(self.alice.picture.name, old)
        self.assertFalse(storage.exists(old))
        self.assertTrue(storage.exists(self.alice.picture.name))

    def test_it_removes_the_picture(self):
        self.upload(image_bytes())
        self.alice.refresh_from_db()
        name, storage = self.alice.picture.name, self.alice.picture.storage
        r = self.upload(None, remove_picture="on")
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertFalse(self.alice.picture)
        self.assertFalse(storage.exists(name))
        self.assertEqual(self.client.get("/account/profile/picture/").status_code, 404)

    def test_it_keeps_the_old_picture_after_a_bad_upload(self):
        self.upload(image_bytes())
        self.alice.refresh_from_db()
        name = self.alice.picture.name
        self.upload(b"garbage")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.picture.name, name)
        self.assertTrue(self.alice.picture.storage.exists(name))

    def test_it_shows_the_picture_on_the_profile_page(self):
        self.upload(image_bytes())
        r = self.client.get(self.url)
        self.assertContains(r, 'src="/account/profile/picture/"')


class OwnPictureTestCase(BaseTestCase):
    url = "/account/profile/picture/"

    def setUp(self):
        super().setUp()
        self.login(self.alice)
        self.client.post("/account/profile/", {"full_name": "Alice Example", "time_zone": "UTC",
                                               "picture_upload": SimpleUploadedFile("a.png", image_bytes())})

    def test_it_serves_the_owners_picture(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/png")
        self.assertIn("private", r["Cache-Control"])
        self.assertEqual(Image.open(io.BytesIO(b"".join(r.streaming_content))).size, (256, 256))

    def test_it_serves_each_person_only_their_own(self):
        c = Client()
        c.force_login(self.bob)
        self.assertEqual(c.get(self.url).status_code, 404)

    def test_it_sends_anonymous_people_to_login(self):
        r = Client().get(self.url)
        self.assertRedirects(r, f"/account/login/?next={self.url}", fetch_redirect_response=False)

    def test_it_gives_404_not_500_for_a_missing_file(self):
        self.alice.refresh_from_db()
        self.alice.picture.storage.delete(self.alice.picture.name)
        self.assertEqual(self.client.get(self.url).status_code, 404)
