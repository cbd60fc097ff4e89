from ninja.security import HttpBearer, SessionAuth

from timelive.integrations.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer tl_…` with a personal API token."""

    openapi_description = (
        "A personal API token (`tl_…`), created on the API tokens page (`/account/tokens/`) or with "
        "`manage.py createtoken`. It acts as its owner, limited to one organisation if it was created so."
    )

    def authenticate(self, request, token):
        api_token = ApiToken.authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class BrowserSessionAuth(SessionAuth):
    """The logged-in browser session (with CSRF), for the docs page and the UI."""

    openapi_description = "The session of a person logged in to TimeLive in this browser; changes need the CSRF token."

    def __call__(self, request):
        # A request that sends a bearer token chose token auth: a wrong token is a
        # 401, not a CSRF failure of the session it does not use.
        if request.headers.get("Authorization", "").lower().startswith("bearer "):
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user
