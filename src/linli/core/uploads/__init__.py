"""The one way files come into Linli and go back out.

Taking a file (any app, any form or API handler)::

    from linli.core import uploads

    accepted = uploads.accept_uploads(request_files, app="cases")          # photos
    accepted = uploads.accept_uploads(files, app="commons", kinds=uploads.IMAGES_AND_PDF,
                                      field_name="vouchers", what="凭证")  # photos or PDFs
    for f in accepted:
        CasePhoto.objects.create(case=case, image=f.as_file())

with the model's field declared ``upload_to=uploads.StoredName("cases/%Y/%m/")``.

Giving it back, from a view that first fetched the owner through its scoped selector::

    photo = get_or_404(selectors.case_photo_get_for, actor=request.user, photo_id=photo_id)
    return uploads.file_response(photo.image, download_name=f"诉求照片-{photo.pk}")

See ``intake`` (limits, sniffing, re-encoding), ``serving`` (headers, X-Accel-Redirect),
``kinds`` (signatures) and ``docs/uploads.md``.
"""

from .intake import AcceptedFile, Limits, accept_uploads, display_stem, shown_name
from .kinds import IMAGES, IMAGES_AND_PDF, JPEG, PDF, PNG, WEBP, FileKind, sniff
from .naming import StoredName
from .serving import NOT_FOUND, file_response

__all__ = [
    "IMAGES",
    "IMAGES_AND_PDF",
    "JPEG",
    "NOT_FOUND",
    "PDF",
    "PNG",
    "WEBP",
    "AcceptedFile",
    "FileKind",
    "Limits",
    "StoredName",
    "accept_uploads",
    "display_stem",
    "file_response",
    "shown_name",
    "sniff",
]
