"""`reportexport preview`: a server on 127.0.0.1, read by an HTTP client and an event
stream client while the files it watches change."""

from __future__ import annotations

import base64
import hashlib
import html
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

import reportexport
from conftest import DATA, ROOT
from reportexport.exporters.html import page
from reportexport.previewing import (
    EVENTS_PATH,
    NO_KEY,
    OVERLAY_ID,
    STOPPED,
    PreviewServer,
    Render,
    Showing,
    html_page,
    preview,
    served_page,
)
from reportexport.watching import Watcher

OVERLAY_START = f'<div id="{OVERLAY_ID}"'


class Previewing:
    """A preview served from a thread of this process, on a free port."""

    def __init__(self, folder: Path, render: Render = html_page, port: int = 0) -> None:
        self.folder = folder
        self.said: list[str] = []
        self.server = PreviewServer(Showing(), port)
        self.port = self.server.port
        self.stop = threading.Event()
        ready = threading.Event()
        watcher = Watcher(folder / "report.yaml", folder / "theme.yaml", fonts=True)
        self.thread = threading.Thread(target=preview, kwargs={
            "watcher": watcher, "server": self.server, "say": self.said.append,
            "complain": self.said.append, "render": render,
            "ready": lambda url: ready.set(), "stop": self.stop})
        self.thread.start()
        assert ready.wait(timeout=60), "the first build was never shown"

    @property
    def key(self) -> str:
        """The key of the address the preview printed."""
        return key_of(self.server.url)

    def get(self, path: str = "/", host: str | None = None, keyed: bool = True,
            ) -> tuple[int, str]:
        """The status and text of the answer to `path`, asked for with the preview's key
        unless not `keyed`."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {} if host is None else {"Host": host}
        connection.request("GET", with_key(path, self.key) if keyed else path, headers=headers)
        response = connection.getresponse()
        # An event stream does not end: its body is left unread.
        streaming = response.getheader("Content-Type") == "text/event-stream"
        body = "" if streaming else response.read().decode("utf-8")
        connection.close()
        return response.status, body

    def policy(self) -> str:
        """The Content-Security-Policy the page is served with now."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", with_key("/", self.key))
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200
        found = response.getheader("Content-Security-Policy")
        assert found is not None, "no Content-Security-Policy"
        return found

    def events(self) -> EventStream:
        """An event stream as the page served now opens it (since its build)."""
        status, page = self.get()
        assert status == 200
        return EventStream(self.port, page_events(page, self.key))


def key_of(url: str) -> str:
    """The key in a preview's address (its query's one `key`)."""
    match = re.fullmatch(r"http://127\.0\.0\.1:\d+/\?key=([A-Za-z0-9_-]{43})", url)
    assert match is not None, url
    return match.group(1)


def with_key(path: str, key: str) -> str:
    """`path`, with `key` added to its query."""
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'key': key})}"


def page_events(page: str, key: str) -> str:
    """The address of the event stream the page opens, as its script makes it from the
    page's own address (opened with `key`) and the build it names."""
    assert 'new EventSource(address)' in page, "no event stream in the page"
    match = re.search(r'address\.searchParams\.set\("since", "([^"]+)"\)', page)
    assert match is not None, "the page names no build"
    return f"{EVENTS_PATH}?{urlencode({'key': key, 'since': match.group(1)})}"


class EventStream:
    """A Server-Sent Events client: the events of one stream, read as they come."""

    def __init__(self, port: int, path: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.request("GET", path)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next(self) -> tuple[str, str]:
        """The next event's name and data (comments and the retry field skipped); fails
        after four of the server's comments on a quiet stream (a minute) without one."""
        name, data, quiet = "message", [], 0
        while True:
            line = self.response.fp.readline().decode("utf-8")
            assert line, "the stream ended"
            line = line.rstrip("\n")
            quiet += line.startswith(":")
            assert quiet < 4, "no event"
            if not line and data:
                return name, "\n".join(data)
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data.append(line.removeprefix("data: "))

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(DATA / "valid" / "minimal.yaml", tmp_path / "report.yaml")
    theme = (ROOT / "styles" / "default.yaml").read_text(encoding="utf-8")
    (tmp_path / "theme.yaml").write_text(theme, encoding="utf-8")
    # Its body font beside it, where a theme's own fonts are looked for first.
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        shutil.copy(reportexport.theme.bundled_fonts_dir() / f"Caladea-{style}.ttf", tmp_path)
    return tmp_path


@pytest.fixture
def previewing(project: Path) -> Iterator[Previewing]:
    running = Previewing(project)
    yield running
    running.stop.set()
    running.thread.join(timeout=60)
    assert not running.thread.is_alive()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems_of(source: Path, theme: Path) -> list[str]:
    """The problems as `validate` prints them (it prints each problem's text)."""
    with pytest.raises(reportexport.InputError) as caught:
        reportexport.load(source, theme)
    return [str(problem) for problem in caught.value.problems]


def test_the_page_is_the_edition_with_the_listening_script(previewing: Previewing) -> None:
    """The script (and nothing else) is put into the edition's bytes, before </body>; the
    edition's font subsets hold whole scripts, and nothing else differs."""
    status, served = previewing.get()
    assert status == 200
    folder = previewing.folder
    loaded = reportexport.load(folder / "report.yaml", folder / "theme.yaml")
    edition = page(*loaded, whole_scripts=True)
    fonts_cut_out = re.compile(rb'url\("data:font/woff2;base64,[^"]+"\)')
    assert fonts_cut_out.sub(b"font", edition) == fonts_cut_out.sub(b"font", page(*loaded))
    assert b"EventSource" not in edition and OVERLAY_ID.encode() not in edition
    end = edition.rindex(b"</body>")
    added = served.encode()[end:len(served.encode()) - (len(edition) - end)]
    assert served.encode() == edition[:end] + added + edition[end:]
    assert added.count(b"<script>") == 1 and b"new EventSource(" in added
    assert "Just one paragraph." in served
    assert OVERLAY_START not in served
    assert previewing.get("/other")[0] == 404


def test_the_server_listens_on_loopback_only(previewing: Previewing) -> None:
    address = previewing.server.socket.getsockname()
    assert address[0] == "127.0.0.1"
    assert previewing.server.url == f"http://127.0.0.1:{previewing.port}/?key={previewing.key}"


@pytest.mark.parametrize("host,allowed", [
    ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("LOCALHOST:{port}", True),
    ("evil.example:{port}", False), ("evil.example", False), ("127.0.0.1:1", False),
    ("127.0.0.1", False), ("", False),
])
def test_a_foreign_host_is_refused(previewing: Previewing, host: str, allowed: bool) -> None:
    """A page elsewhere whose name was rebound to 127.0.0.1 sends its own Host."""
    for path in ("/", EVENTS_PATH):
        if allowed and path == EVENTS_PATH:
            continue  # a stream that stays open; the page's own is read in other tests
        status, body = previewing.get(path, host.format(port=previewing.port))
        assert (status == 200) is allowed, (host, path, status)
        if not allowed:
            assert status == 403
            assert "Just one paragraph" not in body


#: Queries without the preview's key, made from it: none, empty, another of the same
#: length, one character short or over, a prefix, text that is not ASCII, the key under
#: another name or twice.
NOT_THE_KEY = ["", "key=", "key={other}", "key={key_short}", "key={key}A", "key={key_half}",
               "key=%C3%A9", "key={key_ascii_changed}%C3%A9", "KEY={key}", "token={key}",
               "key={key}&key={key}", "key={key}&key={other}"]


def _not_the_key(query: str, key: str) -> str:
    other = "".join("A" if letter != "A" else "B" for letter in key)
    return query.format(key=key, other=other, key_short=key[:-1], key_half=key[:len(key) // 2],
                        key_ascii_changed=key[:-1])


@pytest.mark.parametrize("query", NOT_THE_KEY)
@pytest.mark.parametrize("path", ["/", EVENTS_PATH, "/other"])
def test_a_request_without_the_key_is_refused(previewing: Previewing, path: str, query: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Another user or program of the machine reads neither the page nor its stream (nor
    learns which paths the preview serves): a plain-text refusal that says what to do."""
    asked = f"{path}?{_not_the_key(query, previewing.key)}"
    status, body = previewing.get(asked, keyed=False)
    assert status == 403, (asked, status)
    assert body == NO_KEY.decode()
    assert "open that address" in body
    assert previewing.key not in body and "Just one paragraph" not in body
    assert "internal error" not in capsys.readouterr().err


def test_the_key_opens_the_page_and_a_reload_keeps_it_open(previewing: Previewing) -> None:
    """The printed address (the key is its query) serves the page, again and again; the
    key is not written into the page (its script reads it from the page's address)."""
    url = urlsplit(previewing.server.url)
    for _ in range(2):  # the page, then the page reloaded (same address)
        status, page = previewing.get(f"{url.path}?{url.query}", keyed=False)
        assert status == 200
        assert "Just one paragraph." in page
        assert previewing.key not in page
    stream = previewing.events()  # with the key, as the page asks for it
    try:
        _edit(previewing.folder / "report.yaml", "Just one paragraph.", "A second version.")
        assert stream.next()[0] == "reload"
    finally:
        stream.close()


def test_each_preview_has_its_own_key(previewing: Previewing) -> None:
    """A key drawn afresh at every start: a page of an earlier preview on the same port
    (or one whose key was read off another run's address) is refused."""
    other = PreviewServer(Showing(), 0)
    try:
        assert other.key != previewing.key
        assert len({other.key, previewing.key, PreviewServer(Showing(), 0).key}) == 3
    finally:
        other.server_close()
    assert previewing.get(with_key("/", other.key), keyed=False)[0] == 403
    assert previewing.get(with_key(EVENTS_PATH, other.key), keyed=False)[0] == 403


def _inline_hashes(page: str) -> dict[str, set[str]]:
    """The SHA-256 source expression of every inline <style> and script element of the
    page, by the directive that must allow it (a JSON-LD description is data, not run)."""
    found: dict[str, set[str]] = {"style-src": set(), "script-src": set()}
    for tag, attributes, text in re.findall(r"<(style|script)([^>]*)>(.*?)</\1>", page, re.S):
        if "application/ld+json" in attributes:
            continue
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        found[f"{tag}-src"].add(f"'sha256-{digest}'")
    return found


def _directives(policy: str) -> dict[str, set[str]]:
    return {name: set(values) for name, *values in
            (directive.split() for directive in policy.split(";") if directive.strip())}


def test_the_policy_allows_the_pages_own_inline_elements_only(project: Path) -> None:
    """Before the first good build, after one, and with problems (the script names the
    build, so its hash changes): the policy names each inline stylesheet and script of
    the page by its hash, and nothing else inline."""
    source = project / "report.yaml"
    _edit(source, "title: S", "title: [S")
    running = Previewing(project)

    def check(stylesheets: int) -> None:
        page, policy = running.get()[1], _directives(running.policy())
        expected = _inline_hashes(page)
        assert len(expected["style-src"]) == stylesheets
        assert len(expected["script-src"]) == 1
        for directive, hashes in expected.items():
            assert policy[directive] == hashes, directive
        assert policy["default-src"] == {"'none'"}
        assert "style-src-attr" not in policy and "script-src-attr" not in policy

    def save(old: str, new: str) -> None:
        stream = running.events()
        _edit(source, old, new)
        stream.next()
        stream.close()

    try:
        check(stylesheets=1)  # no page yet: the overlay's
        save("title: [S", "title: S")
        check(stylesheets=2)  # the edition's and the overlay's
        save("title: S", "title: [S")
        check(stylesheets=2)
    finally:
        running.stop.set()
        running.thread.join(timeout=60)


def _headers(port: int, method: str, path: str, host: str | None = None,
             ) -> tuple[int, dict[str, str]]:
    """The status and headers of the answer to a request (its body left unread)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, headers={} if host is None else {"Host": host})
    response = connection.getresponse()
    headers = dict(response.getheaders())
    connection.close()  # an event stream is left unread
    return response.status, headers


@pytest.mark.parametrize("path,host,status,kind", [
    ("/", None, 200, "text/html"), (EVENTS_PATH, None, 200, "text/event-stream"),
    ("/other", None, 404, "text/plain"), ("/", "evil.example", 403, "text/plain"),
])
def test_every_answer_is_kept_from_other_origins(previewing: Previewing, path: str,
                                                 host: str | None, status: int,
                                                 kind: str) -> None:
    """The page, its event stream and each refusal say their type is not to be guessed,
    and no page of another origin may embed them or keep a handle on their window."""
    answered, headers = _headers(previewing.port, "GET", with_key(path, previewing.key), host)
    assert (answered, headers["Content-Type"].split(";")[0]) == (status, kind)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'none'" in headers["Content-Security-Policy"]


@pytest.mark.parametrize("request_line,status", [
    (b"POST / HTTP/1.1", 501), (b"PUT / HTTP/1.1", 501),
    (b"GET / HTTP/1.1" + b"\r\nX-Many: 1" * 101, 431),  # more headers than it reads
])
def test_what_the_standard_library_refuses_is_text(previewing: Previewing,
                                                   request_line: bytes, status: int) -> None:
    """No HTML page answers at the preview's address but the preview's own."""
    with socket.create_connection(("127.0.0.1", previewing.port), timeout=30) as client:
        client.sendall(request_line + b"\r\nHost: 127.0.0.1\r\n\r\n")
        answer = client.makefile("rb").read()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 %d " % status), head
    assert b"\r\nContent-Type: text/plain; charset=utf-8\r\n" in head, head
    assert body.startswith(b"%d " % status) and b"<" not in body, body


def test_a_connection_that_sends_nothing_is_let_go() -> None:
    """A connection that never sends its request does not keep its thread for ever."""
    server = PreviewServer(Showing(), 0, stall_s=0.2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as idle:
            assert idle.recv(1) == b"", "the server closes it"
    finally:
        server.shutdown()
        server.server_close()


def test_connections_past_the_cap_are_closed_without_a_thread() -> None:
    """Connections past the cap are closed unanswered at once (without the cap each
    would wait for a thread's stall, 30 s, and the read below would time out); once
    those held are closed, the page is answered again."""
    server = PreviewServer(Showing(), 0, most_connections=3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    held = [socket.create_connection(("127.0.0.1", server.port), timeout=30)
            for _ in range(3)]
    try:
        for _ in range(5):
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as extra:
                assert extra.recv(1) == b"", "closed unanswered"
        for connection in held:
            connection.close()
        for _ in range(100):  # until the held connections' threads have ended
            try:
                if _headers(server.port, "GET", f"/?key={server.key}")[0] == 200:
                    break
            except (ConnectionError, http.client.HTTPException):
                time.sleep(0.05)
        else:
            pytest.fail("the page was not answered once the held connections closed")
    finally:
        for connection in held:
            connection.close()
        server.shutdown()
        server.server_close()


def test_saves_reach_the_open_page_and_bad_ones_show_their_problems(
        previewing: Previewing) -> None:
    source, theme = previewing.folder / "report.yaml", previewing.folder / "theme.yaml"
    stream = previewing.events()
    try:
        _edit(source, "Just one paragraph.", "A second version.")
        assert stream.next()[0] == "reload"
        assert "A second version." in previewing.get()[1]

        # A save that does not validate, with markup in what the problem quotes.
        _edit(source, "sections:", "<img src=x onerror=alert(1)>: 1\nsections:")
        name, data = stream.next()
        assert name == "problems"
        problems = json.loads(data)["problems"]
        assert problems == _problems_of(source, theme)
        assert any(re.match(r".*report\.yaml:\d+:\d+: .*<img src=x", problem)
                   for problem in problems), problems
        page = previewing.get()[1]
        assert "A second version." in page, "the last good page stays"
        overlay = page[page.index(OVERLAY_START):]
        assert html.escape(problems[0]) in overlay  # as text
        assert "<img src=x" not in page

        _edit(source, "title: S", "title: [S")  # another bad save: the problems change
        name, data = stream.next()
        assert name == "problems"
        assert any("report.yaml:11:12: this '[' is never closed" in problem
                   for problem in json.loads(data)["problems"]), data

        _edit(source, "<img src=x onerror=alert(1)>: 1\n", "")
        _edit(source, "title: [S", "title: Fixed")
        assert stream.next()[0] == "reload"
        page = previewing.get()[1]
        assert "A second version." in page
        assert OVERLAY_START not in page, "the overlay goes with a good save"
    finally:
        stream.close()


#: 25 control characters in one title: 20 problems listed, then "and 5 more in this text".
MANY_PROBLEMS = 'title: "' + "S\\a" * 25 + '"'


def test_the_overlay_counts_every_problem_not_the_lines_it_shows(
        previewing: Previewing) -> None:
    """A text's list stops at 20 problems of one kind, closed by one standing for the rest:
    the page, its event and the terminal say how many there are, as `validate` does."""
    source = previewing.folder / "report.yaml"
    stream = previewing.events()
    try:
        _edit(source, "title: S", MANY_PROBLEMS)
        name, data = stream.next()
        assert name == "problems"
        told = json.loads(data)
        assert told["count"] == 25
        assert len(told["problems"]) == 21, told
        assert told["problems"][-1].endswith(": and 5 more in this text"), told
        page = previewing.get()[1]
        assert "<p>25 problems in the last save" in page[page.index(OVERLAY_START):]
        _edit(source, MANY_PROBLEMS, "title: S")  # its page shown: the bad save was told
        assert stream.next()[0] == "reload"
    finally:
        stream.close()
    assert ("reportexport: 25 problems; the page shows them over the last good build"
            in previewing.said), previewing.said


def test_the_theme_its_fonts_and_images_are_watched(previewing: Previewing) -> None:
    folder = previewing.folder
    stream = previewing.events()
    try:
        _edit(folder / "theme.yaml", 'accent: "#1D4E89"', 'accent: "#AA0011"')
        assert stream.next()[0] == "reload"
        assert "--accent: #aa0011" in previewing.get()[1].lower()

        # A font of the theme replaced in place (the same name): the page embeds the new one.
        before = _font_uris(previewing.get()[1])
        shutil.copy(reportexport.theme.bundled_fonts_dir() / "Carlito-Regular.ttf",
                    folder / "Caladea-Regular.ttf")
        assert stream.next()[0] == "reload"
        after = _font_uris(previewing.get()[1])
        assert after["Caladea", "normal", "normal"] != before["Caladea", "normal", "normal"]

        (folder / "images").mkdir()
        image = folder / "images" / "chart.png"
        shutil.copy(DATA / "valid" / "images" / "bars.png", image)
        _edit(folder / "report.yaml", "      - paragraph: Just one paragraph.",
              "      - figure: {image: images/chart.png, alt: Bars}\n"
              "      - paragraph: Just one paragraph.")
        assert stream.next()[0] == "reload"
        before_image = _image_uris(previewing.get()[1])
        from PIL import Image

        Image.new("RGB", (64, 40), "red").save(image)  # the chart redrawn: the same name
        assert stream.next()[0] == "reload"
        assert _image_uris(previewing.get()[1]) != before_image
    finally:
        stream.close()


def test_a_letter_new_to_the_page_needs_no_new_font_subsets(previewing: Previewing) -> None:
    """The faces are cut to whole scripts: typing a letter the page did not show yet
    leaves them as they were (they are not cut and compressed again), and the letter
    is in them."""
    stream = previewing.events()
    try:
        before = _font_uris(previewing.get()[1])
        _edit(previewing.folder / "report.yaml", "Just one paragraph.",
              "Just one paragraph, quickly, Zoë’s quiz.")
        assert stream.next()[0] == "reload"
        served = previewing.get()[1]
        assert "Zoë’s quiz" in served
        assert _font_uris(served) == before
    finally:
        stream.close()
    regular = base64.b64decode(before["Caladea", "normal", "normal"].partition(",")[2])
    from fontTools.ttLib import TTFont

    assert {ord(letter) for letter in "Zoë’sqz"} <= set(TTFont(io.BytesIO(regular)).getBestCmap())


def test_a_font_replaced_in_place_is_checked_again(previewing: Previewing) -> None:
    """The checks read the new font, not what they kept of the old one: a body font
    without Latin letters leaves the source's text with no font."""
    folder = previewing.folder
    stream = previewing.events()
    try:
        shutil.copy(reportexport.theme.bundled_fonts_dir() / "NotoSerifKhmer-Regular.ttf",
                    folder / "Caladea-Regular.ttf")
        name, data = stream.next()
        assert name == "problems"
        assert any(re.search(r"report\.yaml:\d+:\d+: .*no font of the theme has 'J'", problem)
                   for problem in json.loads(data)["problems"]), data
    finally:
        stream.close()


def _font_uris(page: str) -> dict[tuple[str, str, str], str]:
    """Each @font-face's family, weight and style -> its data: URI."""
    faces = re.findall(r'@font-face \{ font-family: "([^"]+)"; font-weight: (\w+); '
                       r'font-style: (\w+); src: url\("([^"]+)"\)', page)
    assert faces, "no font in the page"
    return {(family, weight, style): uri for family, weight, style, uri in faces}


def _image_uris(page: str) -> list[str]:
    uris = re.findall(r'<img [^>]*src="(data:[^"]+)"', page)
    assert uris, "no image in the page"
    return uris


def test_a_first_load_that_does_not_validate_shows_its_problems(project: Path) -> None:
    source = project / "report.yaml"
    _edit(source, "title: S", "title: [S")
    running = Previewing(project)
    try:
        page = running.get()[1]
        assert OVERLAY_START in page
        expected = _problems_of(source, project / "theme.yaml")
        assert any("report.yaml:10:12:" in problem for problem in expected)
        assert html.escape("\n".join(expected)) in page
        stream = running.events()
        _edit(source, "title: [S", "title: S")
        assert stream.next()[0] == "reload"
        stream.close()
        page = running.get()[1]
        assert OVERLAY_START not in page
        assert "Just one paragraph." in page
    finally:
        running.stop.set()
        running.thread.join(timeout=60)


@pytest.mark.parametrize("page,expected", [
    (b"<html><body><p>x</p></body></html>", b"<p>x</p>ADDED</body></html>"),
    (b"<html><body><p>a</body></p></BODY></html>", b"</p>ADDED</BODY></html>"),  # the last
    (b"<p>no closing body tag", b"<p>no closing body tagADDED"),
])
def test_the_script_goes_before_the_closing_body_tag(page: bytes, expected: bytes) -> None:
    served = served_page(page, [], "r.3")
    added = served_page(b"", [], "r.3")  # all that is added, on an empty page
    assert served.endswith(expected.replace(b"ADDED", added))


def test_problems_are_served_as_text() -> None:
    served = served_page(b"<body></body>", ["r.yaml:1:2: '</pre><script>x()</script>'"], "r.1")
    assert b"r.yaml:1:2: &#x27;&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;&#x27;" in served
    assert b"<script>x()" not in served


def _cli(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reportexport", "preview", "report.yaml", "--style",
         "theme.yaml", *args],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})})


def test_a_port_in_use_is_named_and_exits_2(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _cli(project, "--port", str(port))
        out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert f"port {port}" in err
    assert "--port" in err  # what to do instead
    assert "Traceback" not in err
    assert out == ""


def test_ctrl_c_stops_the_preview_with_exit_0(project: Path) -> None:
    opener = project / "opener.py"
    opener.write_text("import sys, pathlib\n"
                      "pathlib.Path(sys.argv[1]).write_text(sys.argv[2])\n", encoding="utf-8")
    opened = project / "opened.txt"
    browser = f"{sys.executable} {opener} {opened} %s"
    process = _cli(project, "--port", "0", "--open", env={"BROWSER": browser})
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?key=[A-Za-z0-9_-]{43}", url)
        assert match, url  # the printed address carries the key
        for _ in range(600):  # the browser is asked after the URL is printed
            if opened.exists() and opened.read_text(encoding="utf-8"):
                break
            time.sleep(0.05)
        # --open: the browser got a page of the user's alone that leads on to the
        # address, not the address (a command line any user of the machine can read).
        given = opened.read_text(encoding="utf-8")
        assert given.startswith("file://") and "key=" not in given, given
        page_file = Path(urlsplit(given).path)
        assert page_file.stat().st_mode & 0o777 == 0o600
        assert html.escape(url) in page_file.read_text(encoding="utf-8")
        connection = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=30)
        connection.request("GET", "/")
        assert connection.getresponse().read().decode("utf-8") == NO_KEY.decode()
        connection.request("GET", f"/?{urlsplit(url).query}")
        page = connection.getresponse().read().decode("utf-8")
        assert "EventSource" in page
        stream = EventStream(int(match.group(1)), page_events(page, key_of(url)))  # held open
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        stream.close()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert not page_file.exists()  # gone with the preview
    assert "reportexport: stopped previewing" in err


@pytest.mark.conformance
def test_in_a_browser_the_page_follows_saves_where_it_was_scrolled(tmp_path: Path) -> None:
    """Chromium (Playwright, Debian's browser) keeps the page open while the source is
    saved: good, bad, good again."""
    from playwright.sync_api import sync_playwright

    shutil.copy(ROOT / "source" / "report.yaml", tmp_path / "report.yaml")
    shutil.copy(ROOT / "styles" / "default.yaml", tmp_path / "theme.yaml")
    source = tmp_path / "report.yaml"
    running = Previewing(tmp_path)
    origin = f"http://127.0.0.1:{running.port}/"
    address = running.server.url  # with its key
    requested: list[str] = []
    errors: list[str] = []
    browser_run = sync_playwright().start()
    try:
        browser = browser_run.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 375, "height": 700})
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(address)
        page.wait_for_function("() => document.readyState === 'complete'")
        page.reload()  # F5: the address keeps its key, and the page its stream (saves below)
        page.wait_for_function("() => document.readyState === 'complete'")
        assert running.key not in page.content()
        height = page.evaluate("document.documentElement.scrollHeight - innerHeight")
        assert height > 1000, "too short a page to show the scroll kept"
        page.evaluate(f"window.scrollTo(0, {height // 2})")
        where = page.evaluate("scrollY")
        assert where > 500

        with page.expect_navigation():
            _edit(source, "In conclusion, the assessment", "In conclusion (saved), the assessment")
        page.wait_for_function(f"() => document.readyState === 'complete' && scrollY === {where}")
        assert "In conclusion (saved)" in page.inner_text("body")

        _edit(source, "title:", "title: [")  # every title: a bad save
        overlay = page.wait_for_selector(f"#{OVERLAY_ID}")
        assert overlay is not None
        assert re.search(r"report\.yaml:\d+:\d+: ", overlay.inner_text())
        # Both stylesheets apply (the policy lets them by their hashes).
        assert overlay.evaluate("box => getComputedStyle(box).position") == "fixed"
        assert page.evaluate("getComputedStyle(document.querySelector('a.skip')).position"
                             ) == "absolute"
        assert page.evaluate("scrollY") == where, "the last good page stays where it was"

        with page.expect_navigation():
            _edit(source, "title: [", "title:")
        page.wait_for_function(f"() => document.readyState === 'complete' && scrollY === {where}")
        assert page.query_selector(f"#{OVERLAY_ID}") is None
        browser.close()
    finally:
        browser_run.stop()
        running.stop.set()
        running.thread.join(timeout=60)
    assert errors == [], errors  # no script error, nothing the page's policy refused
    assert all(url.startswith((origin, "data:")) for url in requested), requested


def _opened_without_overlay(browser: Any, url: str) -> Any:
    """A new page of `browser` at the preview's `url`, loaded, showing no problems."""
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.query_selector(f"#{OVERLAY_ID}") is None
    return page


@pytest.mark.conformance
def test_in_a_browser_a_page_of_a_stopped_preview_says_so(project: Path) -> None:
    """A page left open while the preview is started again (a new key, the same port):
    its stream is refused, and the page says to open the new address rather than
    trying again for ever; reloaded, it is refused too."""
    from browser import chromium

    first = Previewing(project)
    second: Previewing | None = None
    try:
        with chromium() as browser:
            page = _opened_without_overlay(browser, first.server.url)
            first.stop.set()
            first.thread.join(timeout=60)
            second = Previewing(project, port=first.port)
            overlay = page.wait_for_selector(f"#{OVERLAY_ID}")
            assert overlay is not None
            assert overlay.inner_text().strip() == STOPPED
            assert overlay.evaluate("box => getComputedStyle(box).position") == "fixed"
            assert "Just one paragraph." in page.inner_text("body"), "the page stays"
            page.reload()
            assert page.inner_text("body").strip() == NO_KEY.decode().strip()
            page.goto(second.server.url)
            assert "Just one paragraph." in page.inner_text("body")
    finally:
        for running in (first, second):
            if running is not None:
                running.stop.set()
                running.thread.join(timeout=60)


@pytest.mark.conformance
def test_in_a_browser_the_overlay_counts_every_problem(project: Path) -> None:
    """The script that shows a bad save's problems on an open page says how many there
    are (25), not how many lines it shows (21)."""
    from browser import chromium

    running = Previewing(project)
    try:
        with chromium() as browser:
            page = _opened_without_overlay(browser, running.server.url)
            _edit(project / "report.yaml", "title: S", MANY_PROBLEMS)
            overlay = page.wait_for_selector(f"#{OVERLAY_ID}")
            assert overlay is not None
            heading = overlay.query_selector("p")
            assert heading is not None
            assert heading.inner_text().startswith("25 problems in the last save"), \
                heading.inner_text()
            assert overlay.inner_text().count("control character U+0007") == 20
            assert "Just one paragraph." in page.inner_text("body"), "the page stays"
    finally:
        running.stop.set()
        running.thread.join(timeout=60)


#: Markup a page might carry if an escaping bug let a source's text through as markup: in
#: the head and the body, a script, an event handler, a stylesheet and a style attribute.
INJECTED_IN_HEAD = (b'<script>window.injected = "head script";</script>'
                    b"<style>html { outline: 9px solid rgb(1, 2, 3); }</style>")
INJECTED_IN_BODY = (
    b'<script>window.injected = "body script";</script>'
    b'<img src="data:," alt="" onerror="window.injected = \'event handler\'">'
    b"<style>body { outline: 7px solid rgb(1, 2, 3); }</style>"
    b'<p id="injected-style" style="color: rgb(1, 2, 3)">Styled by an attribute.</p>')
#: Every policy violation of the page, by the directive it broke (set up before any of the
#: page's own markup is read).
RECORD_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation",
                          (event) => window.violations.push(event.effectiveDirective));"""


def _with_injected_markup(report: reportexport.Report, theme: reportexport.Theme) -> bytes:
    """The edition with INJECTED_IN_HEAD and INJECTED_IN_BODY, and Windows line ends (the
    browser hashes its stylesheet as it reads it, with line feeds)."""
    edition = html_page(report, theme)
    assert edition.count(b"<head>") == 1 and edition.count(b"<body>") == 1
    assert b"\r" not in edition
    return (edition.replace(b"\n", b"\r\n").replace(b"<head>", b"<head>" + INJECTED_IN_HEAD)
            .replace(b"<body>", b"<body>" + INJECTED_IN_BODY))


@pytest.mark.conformance
def test_in_a_browser_markup_the_preview_did_not_write_is_not_run(project: Path) -> None:
    """A page served with markup in it that the edition and the preview did not write:
    Chromium runs and applies none of it (the policy reports each), while the edition's
    stylesheet, the overlay's and the listening script work."""
    from browser import chromium

    running = Previewing(project, render=_with_injected_markup)
    try:
        with chromium() as browser:
            page = browser.new_page()
            page.add_init_script(RECORD_VIOLATIONS)
            page.goto(running.server.url)
            page.wait_for_function("() => document.readyState === 'complete'")
            page.wait_for_function("() => document.images[0].complete")  # its error fired
            assert page.evaluate("window.injected") is None
            outlines = "[document.documentElement, document.body].map(element =>" \
                       " getComputedStyle(element).outlineStyle)"
            assert page.evaluate(outlines) == ["none", "none"]
            assert page.evaluate("getComputedStyle(document.getElementById('injected-style'))"
                                 ".color") != "rgb(1, 2, 3)"
            assert sorted(page.evaluate("window.violations")) == [
                "script-src-attr", "script-src-elem", "script-src-elem",
                "style-src-attr", "style-src-elem", "style-src-elem"]
            # The page's own: the edition's stylesheet (its skip link is moved off the
            # page until focused), then the script that shows a bad save's problems.
            assert page.evaluate("getComputedStyle(document.querySelector('a.skip'))"
                                 ".position") == "absolute"
            _edit(project / "report.yaml", "title: S", "title: [S")
            overlay = page.wait_for_selector(f"#{OVERLAY_ID}")
            assert overlay is not None
            assert "this '[' is never closed" in overlay.inner_text()
            assert overlay.evaluate("box => getComputedStyle(box).position") == "fixed"
            assert len(page.evaluate("window.violations")) == 6, "the overlay broke none"
    finally:
        running.stop.set()
        running.thread.join(timeout=60)


@pytest.mark.parametrize("args,said", [
    (["-"], "preview needs a source file to watch, not standard input"),
    (["report.yaml", "--port", "70000"], "--port 70000: a port is a number from 0 to 65535"),
    (["report.yaml", "--port", "-1"], "--port -1: a port is a number from 0 to 65535"),
])
def test_a_preview_that_cannot_start_says_why(project: Path, args: list[str], said: str,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from reportexport.cli import main

    monkeypatch.chdir(project)
    assert main(["preview", *args]) == 2
    assert capsys.readouterr().err == f"reportexport: {said}\n"


@pytest.mark.parametrize("since", ["", "0", "other.1", "other.999"])
def test_a_page_of_another_preview_reloads_at_once(previewing: Previewing, since: str) -> None:
    """A page left open while the preview restarted (or one that never said) is reloaded
    when its stream reconnects: it shows no build of this preview."""
    stream = EventStream(previewing.port, with_key(f"{EVENTS_PATH}?since={since}",
                                                   previewing.key))
    try:
        assert stream.next()[0] == "reload"
    finally:
        stream.close()


@pytest.mark.parametrize("build", ["%C2%B2", "1" * 5000])
def test_a_build_number_that_is_no_number_reloads_the_page(previewing: Previewing,
                                                           build: str) -> None:
    """A page of this preview whose build is not a plain number (a superscript digit, which
    str.isdigit takes, or more digits than int() reads) is reloaded, not an internal error."""
    status, page = previewing.get()
    assert status == 200
    address = page_events(page, previewing.key)
    run = re.search(r"since=([^.&]+)\.", address)
    assert run is not None, address
    stream = EventStream(previewing.port, with_key(f"{EVENTS_PATH}?since={run.group(1)}.{build}",
                                                   previewing.key))
    try:
        assert stream.next()[0] == "reload"
    finally:
        stream.close()
    assert not [line for line in previewing.said if "internal error" in line], previewing.said


def test_a_page_of_this_preview_is_told_of_later_builds_only(previewing: Previewing) -> None:
    stream = previewing.events()
    try:
        _edit(previewing.folder / "report.yaml", "title: S", "title: [S")
        assert stream.next()[0] == "problems", "the first event is the one for the save"
    finally:
        stream.close()


def test_the_latency_benchmark_runs() -> None:
    """benchmarks/preview_latency.py, with two saves: it prints figures, asserts no time."""
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "preview_latency.py"),
                           "--saves", "2"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    for what in ("reload event", "new page read"):
        assert re.search(rf"^preview: save to {what}: median \d+ ms, worst \d+ ms",
                         done.stdout, re.MULTILINE), done.stdout


def test_a_request_that_fails_is_one_line_and_a_closed_page_none(
        previewing: Previewing, capsys: pytest.CaptureFixture[str]) -> None:
    for error, said in ((BrokenPipeError(32, "Broken pipe"), ""),
                        (ConnectionResetError(104, "reset"), ""),
                        (TimeoutError("timed out"), ""),
                        (ValueError("a bug"), "reportexport: preview: internal error "
                                              "answering a request: ValueError: a bug\n")):
        try:
            raise error
        except Exception:
            previewing.server.handle_error(None, ("127.0.0.1", 1))
        assert capsys.readouterr().err == said
