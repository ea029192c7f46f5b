"""Who is asking: the client a request counts against, for fair sharing.

A client is its User-Agent and its address. The address is the connection's, unless the
connection comes from a configured trusted proxy (``TRUSTED_PROXIES``), in which case it is the
last address in ``X-Forwarded-For`` that is not itself a trusted proxy: a client cannot choose
its own address by sending the header. werkzeug's ProxyFix trusts a number of hops whoever sends
them; here trust goes to named addresses only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

MAX_AGENT = 200  # characters of User-Agent kept in a client's key


def address(environ: Mapping[str, Any], trusted: Collection[str]) -> str:
    peer = str(environ.get("REMOTE_ADDR") or "")
    if peer not in trusted:
        return peer
    forwarded = [a.strip() for a in str(environ.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed(forwarded):
        if hop and hop not in trusted:
            return hop
    return peer


def client_of(environ: Mapping[str, Any], trusted: Collection[str]) -> str:
    """The key of the client of a request: its address and User-Agent."""
    agent = str(environ.get("HTTP_USER_AGENT", ""))[:MAX_AGENT]
    return f"{address(environ, trusted)} {agent}"
