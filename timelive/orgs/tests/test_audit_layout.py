from django.contrib.staticfiles import finders

from timelive.test import BaseTestCase


class AuditLayoutTestCase(BaseTestCase):
    def test_the_changes_column_gets_the_room_left_by_fixed_columns(self):
        self.login(self.alice)
        r = self.client.get("/o/alpha/audit/")
        self.assertContains(r, '<table class="table audit-table">')
        self.assertContains(r, '<th scope="col" class="audit-changes">Changes</th>', html=True)
        css = open(finders.find("timelive/app.css")).read()
        self.assertIn(".audit-table { table-layout: fixed; }", css)
        # Every other column has a width; the changes column takes the rest.
        for column in ("when", "who", "what", "target", "details"):
            self.assertIn(f".audit-table .audit-{column} {{ width:", css)
        self.assertNotIn(".audit-changes { width", css)
