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
from .webhooks import router as webhooks_router

# Swagger UI sets inline styles; everything else stays as strict as the app.
docs_csp = csp_override({
    "default-src": [CSP.SELF], "script-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"], "connect-src": [CSP.SELF], "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
})


class TimeLiveSwagger(Swagger):
    """Swagger UI in TimeLive's page: a way back to the app, and dark mode (templates/api/docs.html)."""

    template = "api/docs.html"


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

    def get_openapi_operation_id(self, operation):
        # Verbs and nouns (list_time_entries), not module paths: generated clients name their methods after these.
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs):
        schema = super().get_openapi_schema(**kwargs)
        move_parameter_examples(schema)
        drop_unused_components(schema)
        offer_octet_stream(schema)
        return schema


def move_parameter_examples(schema):
    """Move each parameter's list of examples into its JSON Schema.

    ninja writes `"examples": [50]` on the Parameter Object, where OpenAPI 3.1 wants a map of
    Example Objects (vitalik/django-ninja#1636), and validators and client generators refuse the
    document. A JSON Schema's `examples` is a list, so the same values are valid there.
    """
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", ()) if isinstance(operation, dict) else ():
                examples = parameter.get("examples")
                if isinstance(examples, list):
                    del parameter["examples"]
                    parameter.setdefault("schema", {}).setdefault("examples", examples)


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
    docs=TimeLiveSwagger(settings={"validatorUrl": None}),
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
api.add_router("/", webhooks_router)
api.add_router("/", reports_router)


def drop_unused_components(schema):
    """Leave out component schemas no operation refers to (ninja also lists the models its query
    parameters were declared with, which clients would then generate as unused classes)."""
    components = schema.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    used, todo = set(), [schema.get("paths", {})]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(prefix) and ref[len(prefix):] not in used:
                used.add(ref[len(prefix):])
                todo.append(components.get(ref[len(prefix):], {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    for name in set(components) - used:
        del components[name]


def offer_octet_stream(schema):
    """Also list `application/octet-stream` first on downloads (a receipt's image or PDF, an export's ZIP).

    The answer keeps its real type; generated clients that read only octet-stream as bytes
    (openapi-python-client) otherwise drop the download from the client altogether.
    """
    binary = {"type": "string", "format": "binary"}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for response in operation.get("responses", {}).values() if isinstance(operation, dict) else ():
                content = response.get("content") or {}
                if content and "application/octet-stream" not in content and all(
                        media.get("schema") == binary for media in content.values()):
                    response["content"] = {"application/octet-stream": {"schema": dict(binary)}, **content}
