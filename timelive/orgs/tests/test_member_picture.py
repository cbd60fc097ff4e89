import io

from django.core.files.base import ContentFile
from PIL import Image

from timelive.orgs.models import Role
from timelive.test import BaseTestCase


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


class MemberPictureTestCase(BaseTestCase):
    def setUp(self):
        self.bob.picture.save("picture.png", ContentFile(png_bytes()), save=True)
        self.url = f"/o/alpha/team/{self.bob_membership.code}/picture/"

    def test_it_serves_the_picture_to_members_of_the_same_organisation(self):
        self.login(self.alice)
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/png")
        self.assertEqual(b"".join(r.streaming_content), png_bytes())
        # Never kept by shared caches.
        self.assertIn("private", r["Cache-Control"])

    def test_it_gives_outsiders_404(self):
        self.login(self.charlie)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_it_sends_anonymous_visitors_to_login(self):
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith("/account/login/"))

    def test_it_forbids_externals(self):
        external, _ = self.add_member("ext@client.example", "Ext Ernal", role=Role.EXTERNAL)
        self.login(external)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_gives_removed_members_404(self):
        self.bob_membership.is_active = False
        self.bob_membership.save()
        _, carol = self.add_member("carol@example.org", "Carol Example")
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/o/alpha/team/{carol.code}/picture/").status_code, 404)

    def test_it_gives_404_without_a_picture(self):
        self.login(self.bob)
        self.assertEqual(self.client.get(f"/o/alpha/team/{self.alice_membership.code}/picture/").status_code, 404)

    def test_it_gives_404_when_the_file_is_gone(self):
        self.bob.picture.storage.delete(self.bob.picture.name)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 404)
