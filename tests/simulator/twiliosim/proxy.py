# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sockets and TLS: the CONNECT proxy, the tunnelled API server, the control API.

One ``ThreadingHTTPServer`` listens on 127.0.0.1. A ``CONNECT host:443``
request is answered ``200``; the socket is then wrapped in TLS with a
certificate from a throwaway trustme CA (covering ``*.twilio.com`` and the
regional/edge hosts) and HTTP/1.1 keep-alive requests inside the tunnel are
answered by ``TunnelHandler``. Any other (plain HTTP) request on the port is
the control API.
"""

import json
import os
import socket
import ssl
import struct
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme

from .app import App, ApiRequest, Response
from .store import EDGES, REGIONS

SERVER_NAME = "twilio-simulator"


def certificate_names():
    names = ["twilio.com", "*.twilio.com"]
    for region in REGIONS:
        names.append("*.%s.twilio.com" % region)
        for edge in EDGES:
            names.append("*.%s.%s.twilio.com" % (edge, region))
    return names


class _Reset(Exception):
    """Raised inside a handler to drop the connection with a TCP RST."""


def _reset_socket(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = SERVER_NAME
    sys_version = ""
    timeout = 300

    def log_message(self, fmt, *args):  # quiet: the app keeps its own request log
        if getattr(self.server, "verbose", False):
            BaseHTTPRequestHandler.log_message(self, fmt, *args)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return b""
        # Clients that send headers and body in two writes without TCP_NODELAY (urllib3 inside a
        # CONNECT tunnel does) wait for our ACK of the headers before sending the body; acknowledge
        # now instead of after the delayed-ACK timer (~40 ms per request on Linux).
        if hasattr(socket, "TCP_QUICKACK"):
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            except OSError:
                pass
        return self.rfile.read(length)

    def _send(self, response):
        payload = response.payload()
        self.send_response(response.status)
        if response.status != 204:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        # Headers and body in one write: two small writes meet Nagle + delayed ACK (~40 ms per request).
        self._headers_buffer.append(b"\r\n" + payload)
        self.flush_headers()


class TunnelHandler(_Handler):
    """Serves Twilio API requests inside one TLS tunnel (keep-alive)."""

    def __init__(self, request, client_address, server, tunnel_host):
        self.tunnel_host = tunnel_host
        _Handler.__init__(self, request, client_address, server)

    def _api(self):
        app = self.server.app
        req = ApiRequest(self.command, self.headers.get("Host") or self.tunnel_host, self.path, self.headers, self._body())
        fault = app.decide_fault(req)
        app.latency()
        if fault == "reset":
            app.log_reset(req, fault)
            raise _Reset()
        response = app.api(req, fault)
        if fault == "commit_then_reset":
            raise _Reset()
        self._send(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _api

    def handle_one_request(self):
        try:
            _Handler.handle_one_request(self)
        except _Reset:
            self.close_connection = True
            self.reset = True


class ProxyHandler(_Handler):
    """The listening side: CONNECT opens a tunnel; anything else is the control API."""

    def setup(self):
        _Handler.setup(self)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_CONNECT(self):
        host = self.path.rsplit(":", 1)[0].lower()
        if not (host == "twilio.com" or host.endswith(".twilio.com")):
            # Fail clearly instead of presenting a certificate the client cannot trust.
            self.close_connection = True
            self._send(Response(403, {"error": "the Twilio simulator only tunnels to *.twilio.com, not %s" % host}))
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        self.close_connection = True
        try:
            tls = self.server.tls_context.wrap_socket(self.connection, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            handler = TunnelHandler(tls, self.client_address, self.server, host)
        except (ssl.SSLError, OSError):
            _reset_socket(tls)
            return
        if getattr(handler, "reset", False):
            _reset_socket(tls)
            return
        try:
            tls.close()
        except OSError:
            pass

    def _control(self):
        response = self.server.app.control(self.command, self.path, self._body())
        self._send(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _control


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True


class Simulator(object):
    """The simulator as a context manager (for pytest) or a long-running server (CLI).

    ``start()`` binds the port, writes ``port``, ``ca.pem`` and ``ready`` into
    ``state_dir`` and serves in a background thread.
    """

    def __init__(self, seed=None, state_dir=None, host="127.0.0.1", port=0, verbose=False):
        self.seed = seed
        self.state_dir = state_dir or tempfile.mkdtemp(prefix="twilio-sim-")
        self.host = host
        self.requested_port = port
        self.verbose = verbose
        self.app = App(seed)
        self.server = None
        self.thread = None

    # -- lifecycle -----------------------------------------------------------
    def start(self):
        os.makedirs(self.state_dir, exist_ok=True)
        ca = trustme.CA()
        cert = ca.issue_cert(*certificate_names())
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        ca.cert_pem.write_to_path(self.ca_path)
        server = _Server((self.host, self.requested_port), ProxyHandler)
        server.app = self.app
        server.tls_context = context
        server.verbose = self.verbose
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="twilio-simulator", daemon=True)
        self.thread.start()
        with open(os.path.join(self.state_dir, "port"), "w") as handle:
            handle.write("%d\n" % self.port)
        with open(os.path.join(self.state_dir, "ready"), "w") as handle:
            json.dump({"port": self.port, "url": self.url, "ca": self.ca_path, "pid": os.getpid()}, handle)
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        try:
            os.unlink(os.path.join(self.state_dir, "ready"))
        except OSError:
            pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- addresses -----------------------------------------------------------
    @property
    def port(self):
        return self.server.server_address[1]

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    @property
    def ca_path(self):
        return os.path.join(self.state_dir, "ca.pem")

    def client_env(self):
        """Environment variables that route the twilio SDK through this simulator."""
        return {"HTTPS_PROXY": self.url, "https_proxy": self.url, "REQUESTS_CA_BUNDLE": self.ca_path}

    # -- in-process shortcuts to the control API -----------------------------
    def reset(self, seed=None):
        self.app.reset(seed)

    def log(self, since=0):
        return self.app.log.since(since)[0]

    def state(self):
        return self.app.store.dump()

    def deliver(self, account, to):
        """The delivery oracle (``GET /_sim/deliver``): where an SMS to ``to`` lands in ``account``."""
        return self.app.deliver(account, to)

    def set_faults(self, **spec):
        self.app.faults.configure(spec)

    def clear_faults(self):
        self.app.faults.clear()

    def set_latency(self, ms):
        self.app.latency_ms = int(ms)

    def set_limits(self, rates="documented", retry_after=None):
        """Enforce Twilio's documented rates (``POST /_sim/limits``): see twiliosim/limits.py."""
        self.app.limits.configure({"rates": rates, "retry_after": retry_after})

    def clear_limits(self):
        self.app.limits.clear()
