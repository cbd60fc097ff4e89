"""A real HTTP receiver on 127.0.0.1 for webhook tests: it checks each request's signature."""

import hashlib
import hmac
import http.server
import threading


class Receiver:
    def __init__(self, secret="", statuses=()):
        self.secret = secret
        self.statuses = list(statuses)  # answered in turn; 200 once they run out
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                header = self.headers.get("TimeLive-Signature", "")
                parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
                expected = hmac.new(outer.secret.encode(), f"{parts.get('t')}.".encode() + body,
                                    hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(parts.get("v1", ""), expected)
                outer.requests.append({"body": body, "headers": dict(self.headers), "valid": valid})
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
