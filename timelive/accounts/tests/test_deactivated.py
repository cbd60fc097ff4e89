from django.contrib.auth import SESSION_KEY
from django.test import Client

from timelive.test import PASSWORD, BaseTestCase


class DeactivatedUserTestCase(BaseTestCase):
    def test_it_stops_an_existing_session_at_the_next_request(self):
        client = Client()
        client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertEqual(client.get("/account/profile/").status_code, 200)

        self.bob.is_active = False
        self.bob.save()

        r = client.get("/account/profile/")
        self.assertRedirects(r, "/account/login/?next=/account/profile/", fetch_redirect_response=False)
        r = client.get("/o/alpha/")
        self.assertEqual(r.status_code, 302)
        self.assertNotEqual(client.get("/account/sessions/").status_code, 200)

    def test_it_sends_no_reset_link_to_a_deactivated_person(self):
        self.bob.is_active = False
        self.bob.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/account/password/reset/", {"email": "bob@example.org"})
        from django.core import mail

        self.assertEqual(mail.outbox, [])

    def test_it_refuses_a_deactivated_person_at_login(self):
        self.bob.is_active = False
        self.bob.save()
        self.client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_it_needs_only_a_new_login_after_reactivation(self):
        self.login(self.bob)
        self.bob.is_active = False
        self.bob.save()
        self.client.get("/account/profile/")
        self.bob.is_active = True
        self.bob.save()
        r = self.client.post("/account/login/", {"email": "bob@example.org", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get("/account/profile/").status_code, 200)
