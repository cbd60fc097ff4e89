from http import HTTPStatus

from timelive.api.test import ApiTestCase
from timelive.api.urls import api

METHODS = {"get", "post", "put", "patch", "delete"}
HOW = "declare errors with timelive.api.errors.responses({200: …}, {401: …})"


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


class OpenApiTestCase(ApiTestCase):
    def test_it_serves_the_schema(self):
        r = self.client.get("/api/v1/openapi.json")
        self.assertEqual(r.status_code, 200)
        schema = r.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(schema["info"]["title"], "TimeLive API")
        self.assertIn("/api/v1/orgs/{org}/members", schema["paths"])
        self.assertEqual(schema["components"]["securitySchemes"]["TokenAuth"]["scheme"], "bearer")

    def test_it_documents_every_operation(self):
        schema = api.get_openapi_schema()
        seen = 0
        for label, operation in operations(schema):
            seen += 1
            with self.subTest(label):
                self.assertTrue(operation.get("summary"), f"{label}: no summary")
                self.assertTrue(operation.get("description"), f"{label}: no description (write a docstring)")
                self.assertIn("Errors:", operation["description"], f"{label}: the description lists no errors")
        self.assertGreaterEqual(seen, 4)

    def test_it_documents_every_error(self):
        schema = api.get_openapi_schema()
        for label, operation in operations(schema):
            with self.subTest(label):
                responses = {int(status): r for status, r in operation["responses"].items()}
                # Every operation needs credentials.
                self.assertIn(401, responses, f"{label}: no 401; {HOW}")
                params = {p["name"] for p in operation.get("parameters", [])}
                if "org" in params:
                    self.assertIn(404, responses, f"{label}: no 404 for foreign organisations; {HOW}")
                if params or "requestBody" in operation:
                    self.assertIn(422, responses, f"{label}: no 422 for invalid input; {HOW}")
                for status, response in responses.items():
                    if status < 400:
                        continue
                    # The generic reason phrase ("Not Found") says nothing about this operation.
                    self.assertNotEqual(response["description"], HTTPStatus(status).phrase,
                                        f"{label} {status}: describe when this error happens; {HOW}")
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    # ErrorOut, or one that adds fields to it (a stopped timer's open day, say).
                    error = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                    self.assertLessEqual({"detail", "code"}, set(error["properties"]), f"{label} {status}")
                    self.assertLessEqual({"detail", "code"}, set(error.get("required", [])), f"{label} {status}")

    def test_it_gives_examples_on_every_schema(self):
        schema = api.get_openapi_schema()
        for name, component in schema["components"]["schemas"].items():
            with self.subTest(name):
                if "enum" in component or component.get("examples"):
                    continue
                for prop, definition in component.get("properties", {}).items():
                    self.assertTrue("examples" in definition or "$ref" in definition,
                                    f"{name}.{prop}: add examples (on the field or on the schema)")

    def test_it_is_a_valid_openapi_document(self):
        from openapi_spec_validator import OpenAPIV31SpecValidator

        schema = self.client.get("/api/v1/openapi.json").json()
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in OpenAPIV31SpecValidator(schema).iter_errors()]
        self.assertEqual(errors, [])

    def test_it_names_operations_with_verbs_and_nouns(self):
        ids = [operation["operationId"] for _, operation in operations(api.get_openapi_schema())]
        self.assertEqual(len(ids), len(set(ids)), "operation ids must be unique")
        verbs = ("list_", "get_", "create_", "update_", "patch_", "delete_", "bulk_create_", "start_", "stop_",
                 "submit_", "approve_", "reject_", "recall_", "override_", "request_", "download_", "upload_")
        for operation_id in ids:
            with self.subTest(operation_id):
                self.assertRegex(operation_id, r"^[a-z]+(_[a-z]+)+$")
                self.assertTrue(operation_id.startswith(verbs), "start with a verb")
                self.assertNotIn("timelive", operation_id)

    def test_it_lists_only_components_that_operations_use(self):
        schema = api.get_openapi_schema()
        text = str(schema["paths"]) + str(schema["components"]["schemas"])
        for name in schema["components"]["schemas"]:
            with self.subTest(name):
                self.assertIn(f"#/components/schemas/{name}'", text)
        # The query-parameter models are not components of their own.
        self.assertNotIn("TimeEntryFilters", schema["components"]["schemas"])

    def test_it_puts_parameter_examples_in_the_parameter_schema(self):
        schema = api.get_openapi_schema()
        for _, operation in operations(schema):
            for parameter in operation.get("parameters", []):
                self.assertNotIsInstance(parameter.get("examples", {}), list)
        org = schema["paths"]["/api/v1/orgs/{org}/time-entries"]["get"]["parameters"][0]
        self.assertEqual((org["name"], org["schema"]["examples"]), ("org", ["acme"]))
