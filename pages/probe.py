"""Asking one external address whether it answers, as check_links does (pages/links.py).

Only public addresses are asked, and each probe has a deadline for all of it (name lookup
aside): a server that answers a byte at a time is cut off when the deadline passes, not when
it stops sending.
"""

import contextlib
import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

USER_AGENT = "GenMig-link-checker/1.0"
# Recorded, and not counted as broken, for an address the checker refuses to ask: one on the
# server's own machine or network (loopback, private, link-local, cloud metadata...), or a
# redirect to anything but http or https.
NOT_CHECKED_PRIVATE = "not checked: private address"
NOT_CHECKED_SCHEME = "not checked: redirects to a non-web address"
# IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits: NAT64's
# well-known prefix (RFC 6052) and the deprecated IPv4-compatible addresses.
EMBEDS_IPV4 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96")]
# NAT64 for a local network (RFC 8215): whatever it carries is reached inside that network.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
# Characters a browser leaves as they are in a path or query; it percent-encodes the others.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"
QUERY_SAFE = PATH_SAFE + "?"

_probe = threading.local()


class NotChecked(OSError):
    """An address the checker refuses to ask; its text is what is recorded."""


def is_global(address):
    """Whether an IP address (text) is one of the public Internet's.

    An IPv6 address that carries an IPv4 address (mapped, NAT64, 6to4, Teredo) leads to that
    IPv4 address, so that one must be public too.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return ip.is_global
    if ip.ipv4_mapped:
        return ip.ipv4_mapped.is_global
    if ip in LOCAL_NAT64:
        return False
    carried = [ip.sixtofour, *(ip.teredo or ())]
    carried += [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for net in EMBEDS_IPV4 if ip in net]
    return ip.is_global and all(v4.is_global for v4 in carried if v4 is not None)


def connect_to_global(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, to the very addresses checked and only if all are public.

    Each socket is watched by the probe's deadline (see probe).
    """
    host, port = address
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not settings.LINK_CHECK_ALLOW_PRIVATE and not all(
        is_global(sockaddr[0]) for *_rest, sockaddr in resolved
    ):
        raise NotChecked(NOT_CHECKED_PRIVATE)
    deadline, watched = getattr(_probe, "deadline", None), getattr(_probe, "watched", None)
    problem = OSError(f"no address for {host}")
    for _family, _type, _proto, _name, sockaddr in resolved:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("deadline passed")
            if timeout is socket._GLOBAL_DEFAULT_TIMEOUT or timeout is None or timeout > left:
                timeout = left
        try:
            sock = socket.create_connection(sockaddr[:2], timeout, source_address)
        except OSError as error:
            problem = error
            continue
        if watched is not None:
            # A duplicate of the socket: TLS takes the original over, the connection is shared.
            watched.append(sock.dup())
            if time.monotonic() >= deadline:
                sock.close()
                raise TimeoutError("deadline passed")
        return sock
    raise problem


class _GlobalHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_to_global


class _GlobalHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_to_global


class _GlobalHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GlobalHTTPConnection, req)


class _GlobalHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GlobalHTTPSConnection, req, context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # Each address redirected to is checked again when connecting (above).
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise NotChecked(NOT_CHECKED_SCHEME)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def request_address(url):
    """The address as a browser sends it: host name in IDNA, path and query percent-encoded
    as UTF-8 (what is encoded already stays so), without the fragment."""
    parts = urllib.parse.urlsplit(url)
    userinfo, _at, hostport = parts.netloc.rpartition("@")
    if not hostport.startswith("["):
        host, colon, port = hostport.partition(":")
        hostport = host.encode("idna").decode("ascii") + colon + port
    netloc = (urllib.parse.quote(userinfo, safe=PATH_SAFE) + "@" if _at else "") + hostport
    path = urllib.parse.quote(parts.path, safe=PATH_SAFE)
    query = urllib.parse.quote(parts.query, safe=QUERY_SAFE)
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, ""))


def _cut_off(watched, expired):
    expired.set()
    for sock in list(watched):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def probe(url, timeout, run_deadline=None):
    """(HTTP status or None, problem) for one address, after following redirects.

    The whole probe, redirects included, ends `timeout` seconds after it starts, or at
    `run_deadline` (time.monotonic()) if that comes first; cut off by the run's deadline
    before its own, it returns None: nothing is known of the address.

    Neither the address nor any it redirects to is asked unless every address its host name
    resolves to is public (LINK_CHECK_ALLOW_PRIVATE aside): editors' content must not make the
    server scan its own network. Proxies from the environment are not used.
    """
    own_deadline = time.monotonic() + timeout
    deadline = own_deadline if run_deadline is None else min(own_deadline, run_deadline)
    no_answer = f"no answer within {timeout:g} seconds"
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        _GlobalHTTPHandler(),
        _GlobalHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    watched, expired = [], threading.Event()
    _probe.deadline, _probe.watched = deadline, watched
    timer = threading.Timer(max(0, deadline - time.monotonic()), _cut_off, [watched, expired])
    timer.daemon = True
    timer.start()
    try:
        outcome = _ask(opener, url, timeout, no_answer)
    finally:
        timer.cancel()
        _probe.deadline = _probe.watched = None
        for sock in watched:
            sock.close()
    if expired.is_set() or time.monotonic() >= deadline:
        if deadline < own_deadline:
            return None
        return None, no_answer
    return outcome


def _ask(opener, url, timeout, no_answer):
    try:
        # Only http and https addresses reach here (links.URL).
        request = urllib.request.Request(  # noqa: S310
            request_address(url), headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
        )
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except NotChecked as refused:
        return None, str(refused)
    except urllib.error.HTTPError as error:
        return error.code, ""
    except TimeoutError:
        return None, no_answer
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, NotChecked):
            return None, str(reason)
        if isinstance(reason, TimeoutError):
            return None, no_answer
        return None, str(reason)[:300]
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:300]
