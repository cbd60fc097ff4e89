import io

from django.test import SimpleTestCase

from timelive.lib.csv import FORMULA_PREFIXES, safe_cell, safe_writer


class SafeCellTestCase(SimpleTestCase):
    def test_it_defuses_every_formula_prefix(self):
        for prefix in FORMULA_PREFIXES:
            with self.subTest(prefix=repr(prefix)):
                self.assertEqual(safe_cell(f"{prefix}HYPERLINK(\"http://evil.example\")"),
                                 f"'{prefix}HYPERLINK(\"http://evil.example\")")
        self.assertEqual(FORMULA_PREFIXES, ("=", "+", "-", "@", "\t", "\r"))

    def test_it_leaves_plain_text_and_numbers_alone(self):
        self.assertEqual(safe_cell("Design review"), "Design review")
        self.assertEqual(safe_cell("a=b"), "a=b")
        self.assertEqual(safe_cell(-5), "-5")
        self.assertEqual(safe_cell("-12.50"), "-12.50")
        self.assertEqual(safe_cell("+3"), "+3")
        self.assertEqual(safe_cell(None), "")
        self.assertEqual(safe_cell(""), "")

    def test_a_number_followed_by_a_formula_is_defused(self):
        self.assertEqual(safe_cell("-1+cmd|' /C calc'!A0"), "'-1+cmd|' /C calc'!A0")

    def test_the_writer_defuses_every_cell(self):
        out = io.StringIO()
        writer = safe_writer(out)
        writer.writerow(["=SUM(A1:A2)", "@cmd", "ok", 3])
        writer.writerows([["+1+1"]])
        self.assertEqual(out.getvalue(), "'=SUM(A1:A2),'@cmd,ok,3\r\n'+1+1\r\n")

    def test_the_writer_streams_when_given_no_file(self):
        writer = safe_writer()
        self.assertEqual(writer.writerow(["=1", "x"]), "'=1,x\r\n")
