"""Sending a stored file back, after the calling view has checked the owner's scope.

Nothing under ``MEDIA_ROOT`` is served by URL; each app has a view that fetches the owning
row through its ``*_get_for`` selector (404 out of scope, exactly like a missing id) and
ends with :func:`file_response`.

The response's type is sniffed again from the file's first bytes (so a legacy file stored as
``p.html`` holding a PNG is ``image/png``, and one holding HTML is
``application/octet-stream``), images are ``inline``, everything else an ``attachment``, and
every answer carries ``nosniff``, a CSP that allows nothing to run (``sandbox``), a
same-origin resource policy and ``Cache-Control: private``.

``LINLI_FILE_SERVING`` picks who sends the bytes: ``django`` streams them (``FileResponse``);
``x-accel-redirect`` answers with ``X-Accel-Redirect: <LINLI_FILE_SERVING_PREFIX><name>``
for nginx's ``internal`` location; ``x-sendfile`` with ``X-Sendfile: <absolute path>``
(Apache mod_xsendfile, lighttpd).
"""

from __future__ import annotations

from typing import cast
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.utils.http import content_disposition_header

from .intake import display_stem
from .kinds import HEAD_BYTES, sniff

#: the one message for a file that is missing, out of scope, or gone from the disk
NOT_FOUND = "文件不存在或无权查看"
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"
CACHE_CONTROL = "private, max-age=3600"


def file_response(field_file, *, download_name: str) -> HttpResponseBase:
    """The response for one stored file (``FieldFile``); 404 when it is not on the disk.

    ``download_name`` is the name offered to the browser without extension (the canonical
    extension of the sniffed kind is added, ``.bin`` when the bytes are no kind Linli takes).
    """
    if not field_file or not field_file.name:
        raise Http404(NOT_FOUND)
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except (OSError, ValueError):
        raise Http404(NOT_FOUND) from None
    try:
        head = handle.read(HEAD_BYTES)
        handle.seek(0)
    except (OSError, ValueError):
        handle.close()
        raise Http404(NOT_FOUND) from None
    kind = sniff(head)
    content_type = kind.content_type if kind else "application/octet-stream"
    attachment = not (kind and kind.image)
    filename = f"{display_stem(download_name)}.{kind.extension if kind else 'bin'}"

    mode = settings.LINLI_FILE_SERVING
    response: HttpResponseBase
    if mode == "django":
        response = FileResponse(
            handle, content_type=content_type, as_attachment=attachment, filename=filename
        )
    else:
        handle.close()
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.LINLI_FILE_SERVING_PREFIX + quote(
                field_file.name.lstrip("/")
            )
        else:
            response["X-Sendfile"] = field_file.storage.path(field_file.name)
        disposition = content_disposition_header(attachment, filename)
        response["Content-Disposition"] = cast(str, disposition)  # a filename: never None
    response["Content-Type"] = content_type  # FileResponse would add "; charset" to text
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    # django-csp (the site-wide policy) leaves this one alone; a flag it reads, not declared
    response._csp_exempt = True  # type: ignore[union-attr]
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = CACHE_CONTROL
    return response
