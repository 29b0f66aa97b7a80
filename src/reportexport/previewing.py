"""`reportexport preview`: the HTML edition built in memory, served on this machine, and
brought up to date in the open page at every save.

The standard library's `ThreadingHTTPServer` serves the page on 127.0.0.1 only, and
only to whoever has its address: it carries a key drawn afresh at every start
(`?key=…`), which every request must bring, the page's and its event stream's; any
other user or program of the machine gets a refusal. A
`Watcher` (the one `watch` follows) says which files changed and reads them again
through the one loading pipeline. The open page hears of every build through
Server-Sent Events: `reload` after a good one (it reloads and scrolls back to where
it was), `problems` after one that does not validate (the located problems, as
`validate` prints them, over the last good page). The script that listens and the
overlay are put into the bytes served, never into the edition.

Each page is served with a Content-Security-Policy that names, by their SHA-256, the
inline elements the page is meant to have: the edition's stylesheet, the overlay's and
the listening script. Markup that an escaping bug let through from a source (a script,
an event handler, a style) is not run or applied.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reportexport.model import Report
from reportexport.source.problems import ExportError, InputError
from reportexport.theme import Theme
from reportexport.watching import Watcher, changes

#: Loopback only: the page, and what it says about files, is for this machine; and of its
#: users and programs, only for whoever has the preview's address, with its key.
HOST = "127.0.0.1"
#: The query parameter that carries the key: the page's address and its stream's.
KEY_PARAMETER = "key"
#: Bytes of randomness in a key (URL-safe base64 text of 43 characters).
KEY_BYTES = 32
#: Where the open page listens for builds.
EVENTS_PATH = "/__preview__/events"
#: A comment sent on a quiet stream (seconds): a closed page is noticed, and its thread ends.
HEARTBEAT_S = 15.0
#: How long a connection may keep its thread waiting (seconds): for a request that is not
#: sent, or for an event the page does not take (an open page's stream reconnects).
STALL_S = 30.0
#: Connections answered at once, each in a thread of its own; one more is closed unanswered.
#: A browser opens at most six to one host; a program of the machine that opens thousands
#: (each waits STALL_S) must not make the preview start a thread for each.
MOST_CONNECTIONS = 64

Render = Callable[[Report, Theme], bytes]


def html_page(report: Report, theme: Theme) -> bytes:
    """The HTML edition of `report`, the whole self-contained page, its fonts cut to whole
    scripts: a letter typed that the page did not show yet needs no new cut (the
    edition's fonts hold only the characters it shows)."""
    from reportexport.exporters.html import page

    return page(report, theme, whole_scripts=True)


class PortUnavailable(Exception):
    """The port asked for cannot be listened on (another program has it, say)."""

    def __init__(self, port: int, reason: str) -> None:
        self.port = port
        super().__init__(f"cannot listen on {HOST} port {port}: {reason}; choose another "
                         "with --port N, or --port 0 for any free one")


class Showing:
    """What the preview shows: the last good page, the problems of the last build (none
    after a good one), and the number of builds, which the open pages follow."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.page: bytes | None = None
        self.problems: tuple[str, ...] = ()
        #: How many problems `problems` tells of: more than its lines where a closing
        #: "and N more in this text" stands for N (InputError.count).
        self.count = 0
        self.builds = 0  # good or bad
        # Names this preview in the pages it serves: a page served by an earlier one
        # (the preview restarted under an open page) reloads when it reconnects.
        self.run = secrets.token_hex(4)
        self.page_build = 0  # the build that made `page`
        self.stylesheet_hash: str | None = None  # of `page`'s stylesheet, for its policy
        self.closed = False

    def show(self, page: bytes) -> None:
        stylesheet = edition_stylesheet(page)
        stylesheet_hash = None if stylesheet is None else source_hash(stylesheet)
        with self._changed:
            self.builds += 1
            self.page, self.page_build, self.problems, self.count = page, self.builds, (), 0
            self.stylesheet_hash = stylesheet_hash
            self._changed.notify_all()

    def complain(self, problems: Sequence[str], count: int) -> None:
        """Show `problems`, lines that tell of `count` problems, over the last good page."""
        with self._changed:
            self.builds += 1
            self.problems, self.count = tuple(problems), count
            self._changed.notify_all()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def served(self) -> tuple[bytes, str]:
        """The page to serve now, with the listening script and any problems on it, and
        its Content-Security-Policy."""
        with self._changed:
            build = f"{self.run}.{self.builds}"
            return (served_page(self.page, self.problems, build, self.count),
                    policy(self.stylesheet_hash, build))

    def seen(self, since: str) -> int:
        """The build a page says it shows (`since`, as served), -1 for another preview's."""
        run, _, build = since.partition(".")
        # Only ASCII digits, and few: str.isdigit takes '²', and int() refuses huge numbers.
        return int(build) if run == self.run and re.fullmatch(r"[0-9]{1,9}", build) else -1

    def next_event(self, seen: int, timeout: float) -> tuple[int, bytes] | None:
        """For a page up to date with build `seen`: the event that brings it up to date
        with the next build (after waiting for one), or a comment after `timeout`
        seconds; None once the preview stops."""
        with self._changed:
            self._changed.wait_for(lambda: self.builds > seen or self.closed, timeout)
            if self.closed:
                return None
            if self.builds <= seen:
                return seen, b": waiting\n\n"
            if self.page_build > seen:
                return self.builds, f"event: reload\ndata: {self.builds}\n\n".encode()
            # One line: JSON escapes line breaks.
            data = json.dumps({"count": self.count, "problems": list(self.problems)})
            return self.builds, f"event: problems\ndata: {data}\n\n".encode()


#: The page served until the source first validates.
NO_PAGE_YET = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reportexport preview</title></head>
<body><main><h1>No page yet</h1>
<p>The source does not validate yet: the page appears with the first good save.</p>
</main></body></html>
"""

OVERLAY_ID = "reportexport-preview-problems"
#: What a page says when its preview is gone and another refuses it (the key is another).
STOPPED = "This preview has stopped: open the address the new one printed."
#: The answer to a request without the preview's key.
NO_KEY = (b"This preview answers only at the address it printed, which carries its key: "
          b"open that address (a preview started again prints a new one).\n")

#: The overlay's stylesheet, the text of a <style> element.
_OVERLAY_STYLE = f"""
#{OVERLAY_ID}{{position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;
margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#4a0000;border-top:4px solid #b00020;
box-shadow:0 -2px 8px rgba(0,0,0,.3);font:14px/1.45 ui-monospace,Menlo,Consolas,monospace;
z-index:2147483647}}
#{OVERLAY_ID} p{{margin:0;font-weight:bold}}
#{OVERLAY_ID} pre{{margin:.5rem 0 0;white-space:pre-wrap;font:inherit}}
@media (prefers-color-scheme:dark){{#{OVERLAY_ID}{{background:#2a1214;color:#ffd7d7;
border-top-color:#ff6b7a}}}}
"""

# The text of the listening <script> element. Problems are put on the page as text
# (textContent), never as markup: the page's policy lets no markup run.
_SCRIPT = """
(() => {
  "use strict";
  const key = "reportexport-preview-scroll";
  history.scrollRestoration = "manual";
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const [x, y] = JSON.parse(saved);
    const restore = () => window.scrollTo(x, y);
    restore();
    addEventListener("load", restore);
  }
  const say = (said, lines) => {
    document.getElementById("%(overlay)s")?.remove();
    const box = document.createElement("div");
    box.id = "%(overlay)s";
    box.setAttribute("role", "alert");
    const heading = document.createElement("p");
    heading.textContent = said;
    box.append(heading);
    if (lines.length) {
      const pre = document.createElement("pre");
      pre.textContent = lines.join("\\n");
      box.append(pre);
    }
    document.body.append(box);
  };
  const show = ({count, problems}) => {
    say(`${count} problem${count === 1 ? "" : "s"} in the last save: ` +
        "the page updates with the next good one", problems);
  };
  // The stream is asked for with the page's own query, which carries the preview's key:
  // the key is read from the address, never written into the page.
  const address = new URL("%(events)s", location.href);
  address.search = location.search;
  address.searchParams.set("since", "%(build)s");
  const events = new EventSource(address);
  events.addEventListener("reload", () => {
    sessionStorage.setItem(key, JSON.stringify([scrollX, scrollY]));
    location.reload();
  });
  events.addEventListener("problems", (event) => show(JSON.parse(event.data)));
  // A refusal closes the stream for good (a preview that is not there is retried): the
  // preview that listens on this port now is another, with another key.
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED) {
      say(%(stopped)s, []);
    }
  });
})();
"""


def overlay(problems: Sequence[str], count: int) -> str:
    """The problems (lines telling of `count`) as the script shows them, for a page served
    while they stand."""
    return (f'<div id="{OVERLAY_ID}" role="alert"><p>{count} problem{"s" * (count != 1)} '
            "in the last save: the page updates with the next good one</p>"
            f"<pre>{html.escape(chr(10).join(problems))}</pre></div>")


def opening_page(url: str, folder: Path) -> Path:
    """A page in `folder` that takes a browser on to `url`: what `--open` hands the
    browser instead of `url`, which carries the preview's key, since a command line
    (the browser's, xdg-open's) can be read by every user of the machine. The page is
    the user's alone (mode 0600; `folder` is made for it)."""
    page = folder / "preview.html"
    shown = html.escape(url, quote=True)
    text = ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={shown}">'
            "<title>reportexport preview</title></head>"
            f'<body><p><a href="{shown}">Open the preview</a></p></body></html>\n')
    descriptor = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return page


def listening_script(build: str) -> str:
    """The text of the script of a page that shows `build` (as `Showing.served` names it)."""
    return _SCRIPT % {"overlay": OVERLAY_ID, "events": EVENTS_PATH, "build": build,
                      "stopped": json.dumps(STOPPED)}


def served_page(page: bytes | None, problems: Sequence[str], build: str,
                count: int = 0) -> bytes:
    """`page` (or a stand-in before the first good build) with the listening script, and
    the overlay when there are `problems` (lines that tell of `count` problems), before
    its closing body tag."""
    added = (f"<style>{_OVERLAY_STYLE}</style>"
             + (overlay(problems, count) if problems else "")
             + f"<script>{listening_script(build)}</script>").encode()
    body = NO_PAGE_YET if page is None else page
    end = body.lower().rfind(b"</body>")
    return body + added if end < 0 else body[:end] + added + body[end:]


def source_hash(text: bytes) -> str:
    """A CSP source expression for an inline element whose text is `text` (as written):
    its SHA-256, of the text as the browser reads it (the HTML parser makes every CR
    and CRLF a line feed before the text is hashed)."""
    read = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return f"'sha256-{base64.b64encode(hashlib.sha256(read).digest()).decode('ascii')}'"


def edition_stylesheet(page: bytes) -> bytes | None:
    """The text of the edition's stylesheet: the last <style> element in the page's head,
    which the writer ends with (None for a page without one). Only this element is
    looked for: a <style> anywhere else is not the writer's, and gets no hash."""
    lower = page.lower()
    head_end = lower.find(b"</head>")
    start = lower.rfind(b"<style>", 0, head_end) if head_end >= 0 else -1
    end = lower.find(b"</style", start)
    return None if start < 0 or end < 0 else page[start + len(b"<style>"):end]


def policy(stylesheet: str | None, build: str) -> str:
    """What a served page may load and run: its own inline stylesheets (the edition's,
    hashed as `stylesheet`, and the overlay's) and the listening script of `build`, the
    data: URIs of its images and fonts, and the event stream. The edition makes no
    request to another host; in the preview the browser enforces it. No style attribute
    is allowed: the edition writes none, and the overlay is styled by its stylesheet."""
    styles = " ".join(filter(None, (stylesheet, _OVERLAY_STYLE_HASH)))
    script = source_hash(listening_script(build).encode())
    return (f"default-src 'none'; img-src data:; font-src data:; style-src {styles}; "
            f"script-src {script}; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")


_OVERLAY_STYLE_HASH = source_hash(_OVERLAY_STYLE.encode())
#: For what is not a page (a refusal, an event stream): nothing to load or run.
_NOTHING = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    # What the standard library answers itself (a method other than GET, a malformed
    # request) is text, as the preview's own refusals are: no page at the preview's address.
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(code)d %(message)s\n"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.stall_s)  # the socket waits no longer

    def do_GET(self) -> None:
        if self.headers.get("Host", "").lower() not in self.server.allowed_hosts:
            # A page elsewhere that renamed its host to this address (DNS rebinding)
            # must not read the preview.
            self._send(403, b"This preview answers to 127.0.0.1 and localhost only.\n",
                       "text/plain; charset=utf-8")
            return
        url = urlsplit(self.path)
        if not self.server.admits(url.query):
            # Another user or program of this machine, or a page of an earlier preview.
            self._send(403, NO_KEY, "text/plain; charset=utf-8")
        elif url.path == "/":
            page, page_policy = self.server.showing.served()
            self._send(200, page, "text/html; charset=utf-8", page_policy)
        elif url.path == EVENTS_PATH:
            since = parse_qs(url.query).get("since", [""])[0]
            self._events(self.server.showing.seen(since))
        else:
            self._send(404, b"Not found: the preview serves / only.\n",
                       "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, kind: str, page_policy: str = _NOTHING) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self._common_headers(page_policy)
        self.end_headers()
        self.wfile.write(body)

    def _common_headers(self, page_policy: str) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", page_policy)
        # No page of another origin may embed an answer (as an image or a script, say)
        # or keep a handle on the preview's window.
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")

    def _events(self, seen: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self._common_headers(_NOTHING)
        self.end_headers()
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while (event := self.server.showing.next_event(seen, HEARTBEAT_S)) is not None:
                seen, message = event
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page was closed or reloaded, or takes no events

    def log_message(self, format: str, *args: object) -> None:
        pass  # every reload would be a line on the terminal


class PreviewServer(ThreadingHTTPServer):
    """The preview's HTTP server: on 127.0.0.1, answering to its own address only."""

    daemon_threads = True  # an open event stream must not keep the process alive
    # Said, not inherited: with SO_REUSEPORT another program of the same user could listen
    # on the preview's port too and be handed some of its connections.
    allow_reuse_port = False

    def __init__(self, showing: Showing, port: int, stall_s: float = STALL_S,
                 most_connections: int = MOST_CONNECTIONS) -> None:
        self.showing = showing
        self.stall_s = stall_s
        self._answering = threading.BoundedSemaphore(most_connections)
        # Drawn afresh at every start: 127.0.0.1 is every user's of the machine, the key
        # is only in the address the preview prints (and opens).
        self.key = secrets.token_urlsafe(KEY_BYTES)
        try:
            super().__init__((HOST, port), _Handler)
        except OSError as exc:
            reason = ("another program listens on it" if exc.errno == errno.EADDRINUSE
                      else exc.strerror or str(exc))
            raise PortUnavailable(port, reason) from None
        self.allowed_hosts = {f"{HOST}:{self.port}", f"localhost:{self.port}"}

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._answering.acquire(blocking=False):
            self.shutdown_request(request)  # closed: no thread for it
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # no thread started: its place is free again
            self._answering.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._answering.release()

    def server_bind(self) -> None:
        # HTTPServer's own asks the resolver for the host's name, which can hang
        # without a network; the address is all the preview needs.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request: object, client_address: object) -> None:
        """socketserver prints a traceback; a page closed or reloaded while it was being
        answered, or one that stopped reading it (STALL_S), is no error, and anything else
        is said in one line."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"reportexport: preview: internal error answering a request: "
                  f"{type(error).__name__}: {error}", file=sys.stderr, flush=True)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        """The page's address, with the key: what the preview prints and opens."""
        return f"http://{HOST}:{self.port}/?{KEY_PARAMETER}={self.key}"

    def admits(self, query: str) -> bool:
        """Whether a request's `query` carries this preview's key, once. Compared in a
        time that does not tell how much of it is right; as bytes, since a key sent
        percent-encoded may be any text, which `compare_digest` takes only in ASCII."""
        given = parse_qs(query).get(KEY_PARAMETER, [])
        return len(given) == 1 and hmac.compare_digest(given[0].encode(), self.key.encode())


def _build_page(showing: Showing, watcher: Watcher, render: Render, changed: set[Path],
                say: Callable[[str], None], complain: Callable[[str], None]) -> None:
    """Build the page again and show it, or show why it could not be built."""
    start = time.perf_counter()
    try:
        report, theme = watcher.load(changed)
        page = render(report, theme)
    except InputError as exc:
        problems = [str(problem) for problem in exc.problems]
        count = exc.count  # with those a closing "and N more in this text" stands for
    except (ExportError, OSError) as exc:
        problems, count = [f"reportexport: {exc}"], 1
    except Exception as exc:  # an exporter's bug must not end the writer's session
        problems, count = [f"reportexport: internal error: {type(exc).__name__}: {exc}"], 1
    else:
        showing.show(page)
        say(f"reportexport: page updated in {(time.perf_counter() - start) * 1000:.0f} ms")
        return
    showing.complain(problems, count)
    for line in problems:
        complain(line)
    complain(f"reportexport: {count} problem{'s' * (count != 1)}; "
             "the page shows them over the last good build")


def preview(watcher: Watcher, server: PreviewServer, say: Callable[[str], None],
            complain: Callable[[str], None], *, render: Render = html_page,
            ready: Callable[[str], None] | None = None,
            stop: threading.Event | None = None) -> None:
    """Serve the page of the watcher's source on `server`, built again after every
    change, until interrupted (KeyboardInterrupt) or `stop` is set; `ready` hears the
    URL once the first build is shown (good or not: problems are shown too)."""
    thread = threading.Thread(target=server.serve_forever, name="preview-server", daemon=True)
    thread.start()
    try:
        changed_files = changes(watcher, stop)
        next(changed_files)  # watching from here on: a save during the first build is seen
        _build_page(server.showing, watcher, render, set(), say, complain)
        if ready is not None:
            ready(server.url)
        for changed in changed_files:
            if changed:
                _build_page(server.showing, watcher, render, changed, say, complain)
    finally:
        server.showing.close()  # the event streams end, and their threads
        server.shutdown()
        server.server_close()
