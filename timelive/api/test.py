"""Helpers for API tests: tokens and authenticated requests on top of the
shared alice/bob/charlie base."""

from timelive.integrations.models import ApiToken
from timelive.test import BaseTestCase


class ApiTestCase(BaseTestCase):
    def make_token(self, user, *, org=None, **extra) -> tuple[ApiToken, str]:
        """A token made straight on the model (no audit row), for tests of the API itself."""
        token, secret = ApiToken.issue(user, "test token", org=org)
        if extra:
            ApiToken.objects.filter(pk=token.pk).update(**extra)
            token.refresh_from_db()
        return token, secret

    def api_get(self, path, secret=None, **params):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        return self.client.get(path, params, headers=headers)

    def assertError(self, response, status, code):
        self.assertEqual(response.status_code, status, response.content)
        self.assertTrue(response["Content-Type"].startswith("application/json"), response["Content-Type"])
        body = response.json()
        self.assertEqual(body["code"], code)
        self.assertTrue(body["detail"])
        return body
