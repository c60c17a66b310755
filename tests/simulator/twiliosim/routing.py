# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route declarations, the per-request context handlers see, and paging.

A ``Route`` names the product (the first label of the host, e.g.
``flex-api``), the method, the path exactly as Twilio's OpenAPI file spells
it (``{Name}`` placeholders included), the request parameters the handler
reads, and the handler. Handlers may read only declared parameters
(``Context.param`` enforces it), so the table is the complete statement of
what the simulator accepts; the conformance test checks it against the spec.
"""

import re
from urllib.parse import urlencode

from .errors import invalid_param, missing_param, not_found
from .util import is_sid

SPEC_FILES = {
    "api": "twilio_api_v2010.json",
    "flex-api": "twilio_flex_v1.json",
    "conversations": "twilio_conversations_v1.json",
    "proxy": "twilio_proxy_v1.json",
    "studio": "twilio_studio_v2.json",
    "messaging": "twilio_messaging_v1.json",
    # No OAI file for these in tests/data/twilio-oai (nor /work/shared/twilio-oai): the conformance test
    # skips their spec checks.
    "chat": None,
    "taskrouter": None,
}

PAGING = ("PageSize", "Page", "PageToken")
_PLACEHOLDER = re.compile(r"\{([A-Za-z]+)\}")


class Route(object):
    def __init__(self, product, method, path, handler, params=(), account_param=None, max_page_size=1000):
        self.product = product
        self.max_page_size = max_page_size  # the spec's PageSize maximum (1000; 50 for Conversations addresses)
        self.method = method
        self.path = path
        self.handler = handler
        self.params = tuple(params)
        self.account_param = account_param  # the path placeholder that names the account (API 2010)
        pattern = _PLACEHOLDER.sub(lambda m: "(?P<%s>[^/]+?)" % m.group(1), re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
        self.regex = re.compile("^%s$" % pattern)

    @property
    def spec_file(self):
        return SPEC_FILES[self.product]

    @property
    def name(self):
        return "%s %s%s" % (self.method, self.product, self.path)

    def match(self, path):
        found = self.regex.match(path)
        return found.groupdict() if found else None

    def __repr__(self):
        return "<Route %s>" % self.name


class Context(object):
    """What a handler gets: the account, path values and request parameters."""

    def __init__(self, route, account, path_params, params, host, path):
        self.route = route
        self.account = account
        self.path_params = path_params
        self.params = params
        self.host = host
        self.path = path

    # -- parameters ------------------------------------------------------
    def _declared(self, name):
        if name not in self.route.params:
            raise AssertionError("handler of %s reads undeclared parameter %s" % (self.route.name, name))

    def has(self, name):
        self._declared(name)
        return name in self.params

    def param(self, name, default=None):
        self._declared(name)
        return self.params.get(name, default)

    def require(self, name):
        value = self.param(name)
        if value in (None, ""):
            raise missing_param(name, "post body" if self.route.method == "POST" else "query")
        return value

    def bool(self, name, default=None):
        value = self.param(name)
        if value is None:
            return default
        if value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise invalid_param(name, value, "must be true or false")

    def int(self, name, default=None, minimum=None, maximum=None):
        value = self.param(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid_param(name, value, "must be an integer")
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise invalid_param(name, value, "must be between %s and %s" % (minimum, maximum))
        return number

    def sid(self, name, prefix, default=None):
        value = self.param(name)
        if value is None:
            return default
        if not is_sid(value, prefix):
            raise invalid_param(name, value, "must be a SID like %s followed by 32 hex digits" % prefix)
        return value

    def choice(self, name, choices, default=None):
        value = self.param(name)
        if value is None:
            return default
        if value not in choices:
            raise invalid_param(name, value, "must be one of %s" % ", ".join(choices))
        return value

    def path_sid(self, name, prefix):
        """A SID from the path; a malformed one is a 404 like Twilio answers."""
        value = self.path_params[name]
        if not is_sid(value, prefix):
            raise not_found(self.path)
        return value

    def lookup(self, collection, name, prefix):
        """``collection[SID]`` for the SID in path placeholder ``name``; 404 when malformed or absent."""
        found = collection.get(self.path_sid(name, prefix))
        if found is None:
            raise self.missing()
        return found

    def missing(self):
        return not_found(self.path)

    # -- paging ----------------------------------------------------------
    def _page(self, items, default_size):
        size = self.int("PageSize", min(default_size, self.route.max_page_size), 1, self.route.max_page_size)
        page = self.int("Page", 0, 0)
        token = self.param("PageToken")
        start = page * size
        if token:
            found = re.match(r"^PT(\d+)$", token)
            if not found:
                raise invalid_param("PageToken", token, "is not a token this API issued")
            start = int(found.group(1))
        chunk = items[start:start + size]
        filters = [(name, self.params[name]) for name in self.route.params if name not in PAGING and name in self.params]

        def query(page_number, offset):
            args = filters + [("PageSize", size), ("Page", page_number)]
            if offset:
                args.append(("PageToken", "PT%d" % offset))
            return "%s?%s" % (self.path, urlencode(args))

        links = {
            "first": query(0, 0),
            "self": query(page, start),
            "next": query(page + 1, start + size) if start + size < len(items) else None,
            "previous": query(page - 1, max(0, start - size)) if page > 0 else None,
        }
        return chunk, page, size, start, links

    def page_v1(self, items, key, render):
        """v1/v2 list body: ``{key: [...], "meta": {...}}`` with absolute URLs."""
        chunk, page, size, _start, links = self._page(items, 50)
        base = "https://%s" % self.host

        def absolute(link):
            return None if link is None else base + link

        return 200, {
            key: [render(item) for item in chunk],
            "meta": {
                "page": page,
                "page_size": size,
                "first_page_url": absolute(links["first"]),
                "previous_page_url": absolute(links["previous"]),
                "url": absolute(links["self"]),
                "next_page_url": absolute(links["next"]),
                "key": key,
            },
        }

    def page_2010(self, items, key, render):
        """API 2010 list body: the list plus top-level ``*_page_uri`` fields (relative)."""
        chunk, page, size, start, links = self._page(items, 50)
        return 200, {
            key: [render(item) for item in chunk],
            "first_page_uri": links["first"],
            "previous_page_uri": links["previous"],
            "next_page_uri": links["next"],
            "uri": links["self"],
            "page": page,
            "page_size": size,
            "start": start,
            "end": start + max(len(chunk) - 1, 0),
        }
