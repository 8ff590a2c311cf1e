"""HTTP Range responses over encrypted vault objects, decrypting only the chunks needed."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from attune.vault.models import VaultObject
from attune.vault.services import object_read_range

_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")
# No object is anywhere near 10^18 bytes; a longer number is never satisfiable (and Python
# refuses to read integers of thousands of digits).
_OVERLONG = re.compile(r"^bytes=\d*-\d*$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) for a satisfiable single range; None for no/ignored header; False if
    unsatisfiable (answer 416)."""
    match = _RANGE.match(header.strip()) if header else None
    if not match:
        return False if header and _OVERLONG.match(header.strip()) else None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def vault_response(request: HttpRequest, obj: VaultObject) -> HttpResponse | StreamingHttpResponse:
    size = obj.plaintext_size
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted is False:
        response: HttpResponse | StreamingHttpResponse = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif size == 0:
        response = HttpResponse(b"", content_type=obj.content_type)
    elif wanted is None:
        response = StreamingHttpResponse(
            object_read_range(obj, 0, size - 1), content_type=obj.content_type
        )
        response["Content-Length"] = str(size)
    else:
        assert isinstance(wanted, tuple)
        start, end = wanted
        response = StreamingHttpResponse(
            object_read_range(obj, start, end), status=206, content_type=obj.content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
