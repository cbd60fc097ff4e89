import io
import logging

from timelive.test import BaseTestCase


class RequestLogLinesTestCase(BaseTestCase):
    def capture(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger = logging.getLogger("django.request")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        return stream

    def test_403_and_404_are_one_line_each(self):
        stream = self.capture()
        self.login(self.alice)
        self.assertEqual(self.client.get("/o/bravo/").status_code, 404)
        self.login(self.bob)
        self.assertEqual(self.client.post("/o/alpha/team/invite/", {"email": "x@example.org"}).status_code, 403)
        lines = stream.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 2, stream.getvalue())
        self.assertIn("Not Found: /o/bravo/", lines[0])
        self.assertIn("Forbidden", lines[1])
        self.assertNotIn("Traceback", stream.getvalue())
