from timelive.test import BaseTestCase
from timelive.tracking.tests.helpers import make_project

# Each of these passes a naive startswith("/") check but leaves the site.
OFFSITE = ["//evil.example/x", "/\\evil.example/x", "https://evil.example/", "///evil.example", " //evil.example",
           "javascript:alert(1)"]


class SafeNextTestCase(BaseTestCase):
    def setUp(self):
        self.project = make_project(self.org, "Website")
        self.login(self.bob)

    def test_the_timer_forms_do_not_follow_a_next_off_the_site(self):
        for target in OFFSITE:
            with self.subTest(target=target):
                r = self.client.post("/o/alpha/timer/stop/", {"next": target})
                self.assertRedirects(r, "/o/alpha/timer/", fetch_redirect_response=False)
                r = self.client.post("/o/alpha/timer/start/", {"project_task": f"{self.project.uid}:", "next": target})
                self.assertRedirects(r, "/o/alpha/timer/", fetch_redirect_response=False)
                self.client.post("/o/alpha/timer/discard/")

    def test_the_timer_forms_follow_a_next_on_the_site(self):
        r = self.client.post("/o/alpha/timer/stop/", {"next": "/o/alpha/timesheet/?x=1"})
        self.assertRedirects(r, "/o/alpha/timesheet/?x=1", fetch_redirect_response=False)

    def test_login_does_not_follow_a_next_off_the_site(self):
        self.client.logout()
        for target in OFFSITE:
            with self.subTest(target=target):
                r = self.client.post(f"/account/login/?next={target}", {"email": "bob@example.org",
                                                                          "password": "correct horse battery"})
                self.assertRedirects(r, "/", fetch_redirect_response=False)
                self.client.logout()
