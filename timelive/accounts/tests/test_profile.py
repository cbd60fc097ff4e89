from django.test import Client

from timelive.test import BaseTestCase


class ProfileTestCase(BaseTestCase):
    url = "/account/profile/"

    def setUp(self):
        super().setUp()
        self.login(self.alice)

    def data(self, **changes):
        return {"full_name": "Alice Example", "time_zone": "Europe/Paris", "job_title": "Boss", "department": "Ops",
                "phone": "+44 20 7946 0000", "mobile": "", "address": "1 High Street\nLondon", "about": "Hello",
                **changes}

    def test_it_needs_a_login(self):
        r = Client().get(self.url)
        self.assertRedirects(r, "/account/login/?next=/account/profile/", fetch_redirect_response=False)

    def test_it_shows_the_profile(self):
        r = self.client.get(self.url)
        self.assertContains(r, "Your profile")
        self.assertContains(r, 'value="Alice Example"')
        self.assertContains(r, "alice@example.org")
        self.assertContains(r, "(confirmed)")

    def test_it_labels_fields_and_fills_autocomplete(self):
        r = self.client.get(self.url)
        for field in ["full_name", "time_zone", "job_title", "phone", "mobile", "address", "about", "picture_upload",
                      "remove_picture", "email", "current_password"]:
            self.assertContains(r, f'<label for="id_{field}">', msg_prefix=field)
        for token in ["name", "organization-title", "tel", "street-address", "email", "current-password"]:
            self.assertContains(r, f'autocomplete="{token}"', msg_prefix=token)
        self.assertContains(r, 'accept="image/jpeg,image/png,image/gif,image/webp"')

    def test_it_saves_the_details(self):
        r = self.client.post(self.url, self.data(full_name="Alice Q. Example"))
        self.assertRedirects(r, self.url, fetch_redirect_response=False)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.full_name, "Alice Q. Example")
        self.assertEqual(self.alice.time_zone, "Europe/Paris")
        self.assertEqual(self.alice.job_title, "Boss")
        self.assertEqual(self.alice.address, "1 High Street\nLondon")
        self.assertContains(self.client.get(self.url), "Your profile is saved.")

    def test_it_refuses_a_blank_name_and_keeps_the_input(self):
        r = self.client.post(self.url, self.data(full_name="  ", job_title="Chief Typist"))
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "This field is required.")
        self.assertContains(r, 'aria-invalid="true"')
        self.assertContains(r, 'value="Chief Typist"')
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.full_name, "Alice Example")
        self.assertEqual(self.alice.job_title, "")

    def test_it_does_not_show_unsaved_values_as_saved(self):
        # The picture is bad, so nothing is saved, and the menu still shows the stored name.
        from django.core.files.uploadedfile import SimpleUploadedFile

        bad = SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")
        r = self.client.post(self.url, {**self.data(full_name="Zed Renamed"), "picture_upload": bad})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, 'value="Zed Renamed"')
        self.assertContains(r, '<summary aria-label="Your account">Alice</summary>')

    def test_it_refuses_an_unknown_time_zone(self):
        r = self.client.post(self.url, self.data(time_zone="Mars/Olympus"))
        self.assertContains(r, "Select a valid choice.")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.time_zone, "UTC")

    def test_it_refuses_an_overlong_about(self):
        r = self.client.post(self.url, self.data(about="x" * 2001))
        self.assertContains(r, "at most 2000 characters")

    def test_it_cannot_change_the_email_or_flags_by_posting_them(self):
        self.client.post(self.url, self.data(email="evil@example.org", is_staff="on", is_superuser="on"))
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.email, "alice@example.org")
        self.assertFalse(self.alice.is_staff)
        self.assertFalse(self.alice.is_superuser)
