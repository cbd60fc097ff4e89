from timelive.api.test import ApiTestCase


class MeTestCase(ApiTestCase):
    def test_it_describes_the_token_owner(self):
        self.bob.job_title = "Analyst"
        self.bob.save()
        _, secret = self.make_token(self.bob)
        r = self.api_get("/api/v1/me", secret)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["id"], self.bob.code)
        self.assertEqual(body["full_name"], "Bob Example")
        self.assertEqual(body["job_title"], "Analyst")
        self.assertIs(body["email_verified"], True)
        # No sequential database id leaks.
        self.assertNotEqual(body["id"], str(self.bob.pk))

    def test_it_works_with_a_token_limited_to_an_organisation(self):
        _, secret = self.make_token(self.bob, org=self.org)
        self.assertEqual(self.api_get("/api/v1/me", secret).json()["email"], "bob@example.org")

    def test_it_requires_credentials(self):
        self.assertError(self.api_get("/api/v1/me"), 401, "not_authenticated")

    def test_it_rejects_a_bad_token(self):
        self.assertError(self.api_get("/api/v1/me", "tl_wrong"), 401, "not_authenticated")
