"""A real browser for the HTML edition's tests: Debian's Chromium driven by Playwright.

The checkers come from npm into the project's own `tools/` folder (its package.json and
package-lock.json pin them; `.ci/run` installs them with `npm ci --ignore-scripts`):
axe-core is injected into the page, the Nu HTML Checker (vnu-jar) runs in Java. A
missing tool fails the test that needs it, saying how to get it; nothing skips itself.

Every page is opened from its file, and every request it makes is recorded and, but for
the page's own file, refused: a page that reaches for another host fails without a byte
leaving the machine.

`python tests/browser.py shots PAGE.html DIR` screenshots a page at phone and desktop
width, light and dark, so that a person can look at it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Route

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "tools" / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
TOOLS_HINT = "run `npm ci --ignore-scripts --prefix tools` (.ci/run does)"

#: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
WIDTHS = (375, 1280)  # a phone, a laptop
SCHEMES = ("light", "dark")
HEIGHT = 800
#: How long a click may take to bring its target into view (smooth scrolling included).
LANDING_MS = 2000


def chromium_path() -> str:
    path = shutil.which("chromium")
    assert path, "Debian's Chromium is needed (apt-get install chromium; .ci/run installs it)"
    return path


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, through Playwright (no browser of Playwright's own)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - the test extra installs it
        raise AssertionError("Playwright is needed: pip install -e '.[test]'") from error
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class OpenPage:
    page: Page
    url: str
    #: Every URL the page asked for beyond itself (each was refused).
    requests: list[str] = field(default_factory=list)
    #: The message of every alert, confirm or prompt the page raised.
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def open_page(browser: Browser, path: Path, width: int,
              scheme: str = "light") -> Iterator[OpenPage]:
    """`path` in a fresh context at `width` px wide, with `prefers-color-scheme: scheme`.

    bypass_csp lets axe be injected into a page whose Content-Security-Policy forbids
    scripts it did not bring; the page's own behaviour is unchanged.
    """
    context = browser.new_context(viewport={"width": width, "height": HEIGHT},
                                  color_scheme=scheme, bypass_csp=True)  # type: ignore[arg-type]
    opened = OpenPage(page=context.new_page(), url=path.resolve().as_uri())

    def only_itself(route: Route) -> None:
        if route.request.url == opened.url:
            route.continue_()
        else:
            _note_request(opened, route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", only_itself)
    # Requests the router never sees (a WebSocket, a ping) still raise this event.
    opened.page.on("request", lambda request: _note_request(opened, request.url))
    opened.page.on("websocket", lambda socket: _note_request(opened, socket.url))
    opened.page.on("dialog", lambda dialog: (opened.dialogs.append(dialog.message),
                                             dialog.dismiss()))
    try:
        opened.page.goto(opened.url, wait_until="load")
        yield opened
    finally:
        context.close()


def _note_request(opened: OpenPage, url: str) -> None:
    # data: URIs are the page's own bytes (images, fonts), not a request elsewhere.
    if url != opened.url and not url.startswith("data:") and url not in opened.requests:
        opened.requests.append(url)


def axe_violations(page: Page) -> list[str]:
    """axe-core's violations for AXE_TAGS: `rule-id (impact): help; at selectors` each."""
    assert AXE_SCRIPT.is_file(), f"axe-core is needed at {AXE_SCRIPT}: {TOOLS_HINT}"
    # Marked as the checker's own, so that unsafe_markup does not take it for the page's.
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8")).evaluate(
        "script => script.setAttribute('data-test-harness', '')")
    results: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))
            .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                   targets: v.nodes.map(n => n.target.join(' '))}))""",
        list(AXE_TAGS))
    return [f"{v['id']} ({v['impact']}): {v['help']}; at {', '.join(v['targets'][:5])}"
            + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
            for v in results]


def sideways_overflow(page: Page) -> int:
    """How many px the document is wider than the viewport (0 when nothing scrolls sideways)."""
    overflow: int = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth")
    return max(overflow, 0)


#: Elements with an on* attribute, and URLs in attributes that run script.
_UNSAFE_MARKUP = """() => {
  const found = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase();
      if (name.startsWith('on')) found.push(`<${element.localName} ${name}>`);
      if (/^(javascript|vbscript):/.test(value))
        found.push(`<${element.localName} ${name}="${attribute.value}">`);
    }
  }
  // The page's own script is its one JSON-LD description, in <head>, that parses as
  // JSON: any other script element is one the page does not write, whatever it holds.
  let ownDescription = false;
  for (const script of document.scripts) {
    if (script.hasAttribute('data-test-harness')) continue;  // axe, added by the tests
    const type = (script.type || 'text/javascript').toLowerCase();
    let parses = true;
    try { JSON.parse(script.text); } catch (error) { parses = false; }
    if (type === 'application/ld+json' && parses && !ownDescription
        && script.parentElement === document.head) {
      ownDescription = true;
      continue;
    }
    found.push(`<script type="${type}"> ${JSON.stringify(script.text.slice(0, 80))}`);
  }
  return found;
}"""


def unsafe_markup(page: Page) -> list[str]:
    found: list[str] = page.evaluate(_UNSAFE_MARKUP)
    return found


def fallback_fonts(page: Page) -> list[str]:
    """Text Chromium drew in a font the page does not carry (a system font it fell back to:
    a character missing from an embedded subset, say): `<element …>: Font (N glyphs)`.

    Chromium's DevTools protocol names the fonts an element's text was drawn with
    (CSS.getPlatformFontsForNode; an inline child's text may be counted with its parent's)
    and whether each came from the page (isCustomFont). Asked of every element with text
    of its own, so a culprit inside a paragraph may be named with the paragraph.
    """
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        document = session.send("DOM.getDocument", {"depth": -1})["root"]
        found = []
        for element in _elements_with_text(document):
            fonts = session.send("CSS.getPlatformFontsForNode",
                                 {"nodeId": element["nodeId"]})["fonts"]
            foreign: Counter[str] = Counter()
            for font in fonts:
                if not font["isCustomFont"]:
                    foreign[font["familyName"]] += font["glyphCount"]
            if foreign:
                html = session.send("DOM.getOuterHTML",
                                    {"nodeId": element["nodeId"]})["outerHTML"]
                found.append(f"{' '.join(html.split())[:90]}: " + ", ".join(
                    f"{family} ({count} glyphs)" for family, count in sorted(foreign.items())))
        return found
    finally:
        session.detach()


def _elements_with_text(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Elements in <body> with a text node of their own that is not only white space."""
    for child in node.get("children", ()):
        if child.get("localName") in ("head", "script", "style"):
            continue
        if child.get("nodeType") == 1:
            if any(grandchild.get("nodeType") == 3 and grandchild["nodeValue"].strip()
                   for grandchild in child.get("children", ())):
                yield child
            yield from _elements_with_text(child)


def visible_text(page: Page) -> str:
    """What a reader gets: the title, the rendered text, and every image's text alternative."""
    text: str = page.evaluate(
        "[document.title, document.body.innerText,"
        " ...Array.from(document.images, image => image.alt)].join('\\n')")
    return text


#: The link's target is shown, in the viewport, and not under something else (a sticky
#: header, say): the topmost element near its top left corner is the target or inside it.
_IN_VIEW = """(id) => {
  const target = document.getElementById(id);
  if (!target || !target.checkVisibility()) return false;
  const box = target.getBoundingClientRect();
  if (box.bottom <= 0 || box.top >= window.innerHeight
      || box.right <= 0 || box.left >= window.innerWidth) return false;
  const x = Math.min(Math.max(box.left, 0) + 4, window.innerWidth - 1);
  const y = Math.min(Math.max(box.top, 0) + 4, window.innerHeight - 1);
  const topmost = document.elementFromPoint(x, y);
  return !!topmost && (target.contains(topmost) || topmost.contains(target));
}"""


def _fragment(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href[1:])


def _click_to(page: Page, link_index: int, selector: str) -> str | None:
    """Click the link; None once its target is in view, else what went wrong."""
    link = page.locator(selector).nth(link_index)
    href = link.get_attribute("href") or ""
    closed = link.locator("xpath=ancestor::details[not(@open)]")
    if closed.count():  # a reader opens a collapsed contents first
        closed.first.locator("summary").first.click(timeout=LANDING_MS)
    if not page.evaluate("(id) => document.getElementById(id) !== null", _fragment(href)):
        return f"{href}: no element has that id"
    try:
        if _on_screen(page, link):
            link.click(timeout=LANDING_MS)
        else:  # a skip link shows only when focused: a keyboard reader's Tab, then Enter
            link.focus()
            if not _on_screen(page, link):
                return f"{href}: the link is not shown, not even when focused"
            link.press("Enter")
        page.wait_for_function(_IN_VIEW, arg=_fragment(href), timeout=LANDING_MS)
    except Exception as error:  # Playwright's TimeoutError: the message says which
        return f"{href}: {type(error).__name__}: {str(error).splitlines()[0]}"
    return None


def _on_screen(page: Page, link: Locator) -> bool:
    """Shown, at least 2 px wide, and not moved off the page's left edge (the usual way of
    hiding a skip link until it is focused)."""
    box = link.bounding_box() if link.is_visible() else None
    return box is not None and box["width"] >= 2 and box["x"] >= 0 and box["x"] < page.evaluate(
        "document.documentElement.scrollWidth")


def same_page_links(page: Page) -> list[str]:
    """Click every `href="#…"` link in turn: what did not land on a shown target."""
    selector = 'a[href^="#"]'
    count = page.locator(selector).count()
    failures = [_click_to(page, index, selector) for index in range(count)]
    return [failure for failure in failures if failure]


#: For each note mark: its link's target (the note), and the note's link back.
_NOTE_PAIRS = """() => Array.from(document.querySelectorAll('[role~="doc-noteref"]'), mark => {
  const link = mark.matches('a[href]') ? mark : mark.querySelector('a[href]');
  const href = link ? link.getAttribute('href') : '';
  const note = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1)))
                                    : null;
  const inNotes = !!(note && note.closest('[role~="doc-endnotes"], [role~="doc-footnote"]'));
  const back = note ? Array.from(note.querySelectorAll('a[href^="#"]')).find(a => {
    const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    return target && (target === mark || target === link || target.contains(link)
                      && target.textContent.trim() === link.textContent.trim());
  }) : null;
  return {mark: link ? link.textContent.trim() : mark.outerHTML.slice(0, 60), href, inNotes,
          back: back ? back.getAttribute('href') : null};
})"""


def note_round_trips(page: Page) -> tuple[int, list[str]]:
    """Every note mark reaches its note and the note's back-link returns to the mark.

    Returns the number of marks and what failed.
    """
    pairs: list[dict[str, Any]] = page.evaluate(_NOTE_PAIRS)
    failures = []
    for pair in pairs:
        mark = f"note mark {pair['mark']!r} ({pair['href'] or 'no link'})"
        if not pair["inNotes"]:
            failures.append(f"{mark}: its target is not a note (no role doc-endnotes above it)")
        elif pair["back"] is None:
            failures.append(f"{mark}: the note has no link back to the mark")
        else:
            for href in (pair["href"], pair["back"]):
                index = page.evaluate(
                    "(href) => Array.from(document.querySelectorAll('a[href]'))"
                    ".findIndex(a => a.getAttribute('href') === href)", href)
                failure = _click_to(page, index, "a[href]")
                if failure:
                    failures.append(f"{mark}: {failure}")
    return len(pairs), failures


#: For each note mark on the same line as the character before it: the space between
#: that character and the mark's digits (px), and the size of the mark's link, its
#: touch target (padding included).
_NOTE_MARK_FIT = """() => Array.from(document.querySelectorAll('a[role~="doc-noteref"]'), a => {
  const digits = document.createRange();
  digits.selectNodeContents(a);
  const mark = digits.getBoundingClientRect(), target = a.getBoundingClientRect();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  walker.currentNode = a.closest('sup') || a;
  let before = walker.previousNode();
  while (before && !before.data.length) before = walker.previousNode();
  const last = document.createRange();
  last.setStart(before, before.data.length - 1);
  last.setEnd(before, before.data.length);
  const char = last.getBoundingClientRect();
  const sameLine = char.top < mark.bottom && mark.top < char.bottom && char.right <= mark.right;
  return {mark: a.textContent, after: before.data.slice(-12),
          gap: sameLine && before.data.trim() === before.data ? mark.left - char.right : null,
          width: target.width, height: target.height};
})"""


def note_mark_fit(page: Page) -> list[dict[str, Any]]:
    """Each note mark's gap after the word before it and its touch target (_NOTE_MARK_FIT)."""
    found: list[dict[str, Any]] = page.evaluate(_NOTE_MARK_FIT)
    return found


#: Characters on each full line of the main text's paragraphs (a paragraph's last line,
#: usually short, left out): the lines found by where each character is drawn.
_LINE_LENGTHS = """() => {
  const counts = [];
  for (const paragraph of document.querySelectorAll('main p')) {
    const walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    const lines = [];
    let top = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.height === 0) continue;
        if (top === null || box.top > top + box.height / 2) { lines.push(0); top = box.top; }
        lines[lines.length - 1] += 1;
      }
    }
    counts.push(...lines.slice(0, -1));
  }
  return counts;
}"""


def line_lengths(page: Page) -> list[int]:
    counts: list[int] = page.evaluate(_LINE_LENGTHS)
    return counts


def box(page: Page, selector: str) -> dict[str, float]:
    """The first matching element's box in the page (not the viewport)."""
    found: dict[str, float] = page.evaluate(
        """(selector) => { const b = document.querySelector(selector).getBoundingClientRect();
             return {left: b.left + scrollX, right: b.right + scrollX,
                     top: b.top + scrollY, bottom: b.bottom + scrollY}; }""", selector)
    return found


#: In print: is the contents shown, what follows each external link, and the break-before
#: of each top-level section (by id; the section element holding it).
_PRINTED = """(ids) => ({
  contents: Array.from(document.querySelectorAll('nav'), nav => nav.checkVisibility()),
  links: Array.from(document.querySelectorAll('main a[href^="http"], main a[href^="mailto:"]'),
                    a => [a.getAttribute('href'), getComputedStyle(a, '::after').content]),
  breaks: ids.map(id => {
    const target = document.getElementById(id);  // the section, or its heading
    return [id, getComputedStyle(target.closest('section') || target).breakBefore];
  }),
})"""


def printed(page: Page, top_level_ids: list[str]) -> dict[str, Any]:
    """The page as `@media print` lays it out (see _PRINTED)."""
    page.emulate_media(media="print")
    found: dict[str, Any] = page.evaluate(_PRINTED, top_level_ids)
    return found


# --- The Nu HTML Checker -------------------------------------------------------------------

@dataclass(frozen=True)
class NuMessage:
    kind: str  # "error", "warning" or "info"
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.message}"


def nu_check(paths: list[Path]) -> dict[Path, list[NuMessage]]:
    """The Nu HTML Checker's messages for each page, in one Java run (its start is the cost)."""
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML Checker (.ci/run installs it)"
    assert VNU_JAR.is_file(), f"the Nu HTML Checker (vnu-jar) is needed at {VNU_JAR}: {TOOLS_HINT}"
    done = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--stdout",
                           *map(str, paths)], capture_output=True, text=True, timeout=300)
    report = json.loads(done.stdout)
    by_page: dict[Path, list[NuMessage]] = {path: [] for path in paths}
    by_url = {path.resolve().as_uri().replace("file:///", "file:/"): path for path in paths}
    for message in report["messages"]:
        kind = message.get("subType", message["type"])
        if message["type"] == "non-document-error":
            raise AssertionError(f"the Nu HTML Checker could not check: {message}")
        page = by_url[message["url"]]
        by_page[page].append(NuMessage(kind, message.get("lastLine", 0), message["message"]))
    return by_page


# --- Looking at it -------------------------------------------------------------------------

def screenshots(page_path: Path, folder: Path) -> list[Path]:
    """The top of the page and the whole page at each width and scheme, as PNGs."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = []
    with chromium() as browser:
        for width in WIDTHS:
            for scheme in SCHEMES:
                with open_page(browser, page_path, width, scheme) as opened:
                    stem = folder / f"{page_path.stem}-{width}-{scheme}"
                    opened.page.screenshot(path=f"{stem}-top.png")
                    opened.page.screenshot(path=f"{stem}-full.png", full_page=True)
                    taken += [Path(f"{stem}-top.png"), Path(f"{stem}-full.png")]
    return taken


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "shots":
        raise SystemExit("usage: python tests/browser.py shots PAGE.html DIR")
    for shot in screenshots(Path(sys.argv[2]), Path(sys.argv[3])):
        print(shot)
