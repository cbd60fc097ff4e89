from django.urls import URLPattern, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI, Swagger

from .approvals import router as approvals_router
from .audit import router as audit_router
from .auth import BrowserSessionAuth, TokenAuth
from .catalog import router as catalog_router
from .core import router as core_router
from .errors import install_error_handlers, json_method_not_allowed, not_found_view
from .expenses import router as expenses_router
from .me import router as me_router
from .reports import router as reports_router
from .time_entries import router as time_entries_router

# Swagger UI sets inline styles; everything else stays as strict as the app.
docs_csp = csp_override({
    "default-src": [CSP.SELF], "script-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"], "connect-src": [CSP.SELF], "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
})


class TimeLiveAPI(NinjaAPI):
    """NinjaAPI whose every answer under /api/v1/ is JSON, errors included:
    an unknown path is a JSON 404 and a wrong method a JSON 405."""

    def _get_urls(self):
        urls = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                # ninja needs a route named api-root to know its prefix; answer it like any unknown path.
                urls.append(path("", not_found_view, name="api-root"))
                continue
            if isinstance(pattern, URLPattern):
                pattern.callback = json_method_not_allowed(pattern.callback)
            urls.append(pattern)
        urls.append(re_path(r"^.*$", not_found_view, name="not-found"))
        return urls


api = TimeLiveAPI(
    title="TimeLive API",
    version="1",
    description=(
        "Authenticate with `Authorization: Bearer <token>` (create tokens on your API tokens page, "
        "`/account/tokens/`, or with `manage.py createtoken`). Organisation data lives under `/orgs/{org}/…`. "
        "Lists take `limit` and `offset` and answer `{\"items\": [...], \"count\": N}`.\n\n"
        "Errors answer `{\"detail\": …, \"code\": …}` with a fitting status: 401 `not_authenticated`, "
        "403 `permission_denied` or `read_only`, 404 `not_found` (also for organisations you are not a member of), "
        "405 `method_not_allowed`, 422 `invalid` (with `errors`, one per field), 500 `server_error`."
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    # No validator badge: Swagger UI would otherwise call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=docs_csp,
)
install_error_handlers(api)
api.add_router("/", core_router)
api.add_router("/", time_entries_router)
api.add_router("/", catalog_router)
api.add_router("/", me_router)
api.add_router("/", expenses_router)
api.add_router("/", approvals_router)
api.add_router("/", audit_router)
api.add_router("/", reports_router)
