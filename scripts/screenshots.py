"""Take the app page's screenshots of a running demo (make demo) with headless
Chromium, through the DevTools protocol (websocket-client, in the venv).

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8069 social_crm_demo \
        [--consent-url URL] [--out social_crm/static/description]

Logs in as admin/admin, opens each page, waits for it to settle and saves a
PNG. Only for loopback servers: it types the demo's admin password.
"""

import argparse
import base64
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import websocket

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    # (file, path, a CSS selector that shows the page is ready)
    ("screenshot_inbox.png", "/odoo/social-inbox", ".o_kanban_record:not(.o_kanban_ghost)"),
    ("screenshot_customer_card.png", "/odoo/social-inbox/{conversation}", ".o_form_view"),
    (
        "screenshot_reports.png",
        "/odoo/action-social_crm.action_social_crm_message_analysis",
        ".o_graph_view, .o_pivot_view",
    ),
]


class Browser:
    def __init__(self, width, height):
        self.profile = tempfile.TemporaryDirectory()
        self.proc = subprocess.Popen(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--remote-debugging-port=9333",
                f"--user-data-dir={self.profile.name}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:9333/json") as answer:
                    targets = json.load(answer)
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True)
        return result.get("result", {}).get("value")

    def goto(self, url, ready, settle=1.5):
        self.call("Page.navigate", url=url)
        for _ in range(120):
            time.sleep(0.25)
            if self.js(f"!!document.querySelector({json.dumps(ready)})"):
                break
        else:
            raise RuntimeError(f"{url}: '{ready}' never appeared")
        time.sleep(settle)

    def shot(self, path):
        # pop-ups and "page out of date" notices are not what the page shows
        self.js(
            "document.querySelectorAll('.o_notification_manager')"
            ".forEach((n) => n.style.display = 'none')"
        )
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"{path} ({path.stat().st_size // 1024} KB)")

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        self.profile.cleanup()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("db")
    parser.add_argument("--conversation", default="1")
    parser.add_argument("--consent-url", default="")
    parser.add_argument("--out", default=str(ROOT / "social_crm" / "static" / "description"))
    args = parser.parse_args()
    if urlsplit(args.base).hostname not in ("127.0.0.1", "localhost"):
        sys.exit("screenshots: only for a demo on this machine (127.0.0.1)")
    out = Path(args.out)
    browser = Browser(1280, 760)
    try:
        browser.goto(f"{args.base}/web/login?db={args.db}", "input[name=login]", settle=0.2)
        browser.js(
            "document.querySelector('input[name=login]').value='admin';"
            "document.querySelector('input[name=password]').value='admin';"
            "document.querySelector('form.oe_login_form').submit();"
        )
        time.sleep(3)
        for name, path, ready in PAGES:
            browser.goto(args.base + path.format(conversation=args.conversation), ready)
            browser.shot(out / name)
        if args.consent_url:
            consent = urlsplit(args.consent_url)
            browser.call("Emulation.setDeviceMetricsOverride", width=420, height=760,
                         deviceScaleFactor=1, mobile=True)  # fmt: skip
            browser.call("Network.clearBrowserCookies")
            browser.goto(f"{args.base}{consent.path}", "form, main", settle=0.5)
            browser.shot(out / "screenshot_consent.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main()
