from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI, Swagger

from .auth import BrowserSessionAuth, TokenAuth
from .core import router as core_router
from .errors import install_error_handlers

# Swagger UI sets inline styles; everything else stays as strict as the app.
docs_csp = csp_override({
    "default-src": [CSP.SELF], "script-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"], "frame-ancestors": [CSP.NONE], "object-src": [CSP.NONE],
})

api = NinjaAPI(
    title="TimeLive API",
    version="1",
    description=(
        "Authenticate with `Authorization: Bearer <token>` (create tokens on your profile page or with "
        "`manage.py createtoken`). Organisation data lives under `/orgs/{org}/…`. Lists take `limit` and "
        "`offset` and answer `{\"items\": [...], \"count\": N}`. Errors answer `{\"detail\", \"code\"}`."
    ),
    auth=[TokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
    docs=Swagger(),
    docs_decorator=docs_csp,
)
install_error_handlers(api)
api.add_router("/", core_router)
