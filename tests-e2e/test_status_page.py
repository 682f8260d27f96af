"""The gateway's status page (docs/gateway.md "Status page") as an operator sees it: the real esb-gateway and
esb-manager with real RIE workers serve some traffic, then headless Chromium (Debian's `chromium`, installed by
scripts/install-packages.sh) loads `http://METRICS_LISTEN/status`. The DOM Chromium rendered must show the
functions, the workers, the routes with their requests and 5xx, and the event queue; the screenshot it takes
must be a real picture of that page (its size, and enough ink on it). ESB_STATUS_SCREENSHOT=PATH keeps the
screenshot (docs/status-page.png in the README is one)."""
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import pytest

from contract.box import Box, wait_until

FUNCTIONS = 'functions:\n  hello:\n    image: "{image}"\n  orders:\n    image: "{image}"\n'
ROUTING = """\
routes:
  - {path: "/hello", method: ANY, function: hello, auth: none}
  - {path: "/orders/{id}", method: GET, function: orders, auth: none}
"""


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no headless Chromium: scripts/install-packages.sh installs Debian's chromium")


def run_chromium(*args):
    profile = tempfile.mkdtemp(prefix="esb-chromium-")
    try:
        return subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--user-data-dir=" + profile, "--window-size=1280,900", *args],
            capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def png_size_and_ink(path):
    """(width, height, share of scanline bytes that are not background) of an 8-bit RGB(A) PNG, decoded here."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 4
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8, depth
            channels = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    # Undo the PNG filters, then count pixels that are not the page's white/near-white background.
    prev = bytearray(stride)
    ink = 0
    for row in range(height):
        f = raw[row * (stride + 1)]
        line = bytearray(raw[row * (stride + 1) + 1:(row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        ink += sum(1 for x in range(0, stride, channels) if min(line[x], line[x + 1], line[x + 2]) < 200)
        prev = line
    return width, height, ink / float(width * height)


@pytest.fixture(scope="module")
def busy_gateway():
    box = Box(functions_yml=FUNCTIONS, routing_yml=ROUTING)
    try:
        box.start_manager()
        gw = box.start_gateway()
        for _ in range(5):
            assert gw.request("POST", "/hello", body=b"{}")[0] == 200
        assert gw.request("GET", "/orders/1")[0] == 200
        # a function error the proxy answers 502: one 5xx on the /hello route
        status, _, _ = gw.request("POST", "/hello", body=json.dumps({"error": "boom"}))
        assert status == 502
        yield gw
    finally:
        box.close()


def test_headless_chromium_renders_the_status_page(busy_gateway, tmp_path):
    gw = busy_gateway
    url = "http://127.0.0.1:%d/status" % gw.metrics_port
    dom = run_chromium("--dump-dom", url)
    text = dom.stdout.decode("utf-8", "replace")
    assert dom.returncode == 0 and "Edge Serverless Box — gateway status" in text, dom.stderr[-2000:]
    assert "<td>hello</td>" in text and "<td>orders</td>" in text
    assert "<td>/hello</td><td>6</td><td class=\"bad\">1</td>" in text, text
    assert "<td>/orders/{id}</td><td>1</td><td>0</td>" in text, text
    assert "Asynchronous events" in text

    shot = str(tmp_path / "status.png")
    taken = run_chromium("--screenshot=" + shot, url)
    assert taken.returncode == 0 and os.path.exists(shot), taken.stderr[-2000:]
    width, height, ink = png_size_and_ink(shot)
    assert (width, height) == (1280, 900)
    # Tables, text and the cards cover a few percent of the picture; a blank or error page is near 0.
    assert ink > 0.01, ink
    keep = os.environ.get("ESB_STATUS_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)


def test_status_page_over_plain_http(busy_gateway):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", busy_gateway.metrics_port, timeout=10)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        body = resp.read().decode()
        assert resp.status == 200 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
        assert '<meta http-equiv="refresh" content="5">' in body
        assert "<script" not in body and "https://" not in body   # self-contained
    finally:
        conn.close()
    wait_until(lambda: busy_gateway.metrics()[0] == 200, 5, what="/metrics still served")
