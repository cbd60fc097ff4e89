from django.test import SimpleTestCase

from timelive.privacy.markdown import render_markdown


class RenderMarkdownTestCase(SimpleTestCase):
    def test_it_renders_paragraphs_and_headings(self):
        html = render_markdown("# Title\n\nFirst line\nsecond line\n\n## Part\n### Detail\nText")
        self.assertEqual(
            html,
            "<h2>Title</h2>\n<p>First line<br>second line</p>\n<h3>Part</h3>\n<h4>Detail</h4>\n<p>Text</p>",
        )

    def test_it_renders_bullet_lists(self):
        html = render_markdown("Intro:\n- one\n* two\n  continued\n• three\n\nAfter")
        self.assertEqual(html, "<p>Intro:</p>\n<ul><li>one</li><li>two continued</li><li>three</li></ul>\n<p>After</p>")

    def test_it_renders_bold_and_links(self):
        html = render_markdown("**Note** see [the site](https://example.org/a?b=1&c=2) or [archive](/privacy/archive/)")
        self.assertEqual(
            html,
            '<p><strong>Note</strong> see <a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">'
            'the site</a> or <a href="/privacy/archive/" rel="noopener noreferrer">archive</a></p>',
        )

    def test_it_escapes_html(self):
        html = render_markdown('<script>alert(1)</script>\n\n# <img src=x onerror="alert(1)">')
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", html)

    def test_it_refuses_links_that_are_not_http(self):
        for target in ["javascript:alert(1)", "data:text/html,x", "//evil.example/", "vbscript:x", "mailto:a@b.c"]:
            html = render_markdown(f"[click]({target})")
            self.assertNotIn("<a", html, target)
            self.assertIn("[click]", html)

    def test_a_link_cannot_break_out_of_its_attribute(self):
        html = render_markdown('[x](https://example.org/"onmouseover="alert(1))')
        self.assertNotIn('"onmouseover', html)
        self.assertNotIn('onmouseover="', html)

    def test_it_handles_empty_text(self):
        self.assertEqual(render_markdown(""), "")
        self.assertEqual(render_markdown(None), "")
