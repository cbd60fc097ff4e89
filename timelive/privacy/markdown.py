"""A tiny, safe subset of Markdown for policy texts (no dependency).

Supported: paragraphs (separated by a blank line), headings `#`, `##`, `###`
(shown one level down, as the page title is the <h1>), bullet lists (`-`, `*`
or `•`), `**bold**` and links `[text](https://…)` whose address is http(s) or a path on this site
(`/security/`).
Everything else is shown as typed: all text is escaped before any markup is
added, so a policy can never carry HTML or script into the page.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
# Applied to escaped text: the brackets and parentheses survive escaping, quotes do not.
LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|/(?!/))[^\s()<>]*)\)")
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def _inline(text: str) -> str:
    html = escape(text)
    html = BOLD.sub(r"<strong>\1</strong>", html)
    return LINK.sub(r'<a href="\2" rel="noopener noreferrer">\1</a>', html)


def render_markdown(text: str) -> SafeString:
    out: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush():
        if paragraph:
            out.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            flush()
        elif heading := HEADING.match(line):
            flush()
            level = len(heading.group(1)) + 1
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet := BULLET.match(raw):
            if paragraph:
                flush()
            items.append(bullet.group(1).strip())
        elif items and raw[:1].isspace():
            # An indented line continues the list item above it.
            items[-1] += " " + line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return mark_safe("\n".join(out))
