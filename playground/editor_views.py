"""The editor's server side: live validation (``POST /validate``) and the gallery pages.

``/validate`` takes the editor's text and answers with ``_validation.html``: the
errors of the same layered validator the Run button and ``python -m cluster_sim
run`` use, each with its line and column, then the warnings that do not stop a
run (a document of a kind the playground does not simulate; kubectl's ``Warning:
would violate PodSecurity ...`` lines), plus all of them as JSON with their
``severity`` for the editor's lint markers. Whatever is posted, it answers 200 with a message and
never an error page.

The editor posts the manifest as the raw request body (``text/plain;
charset=utf-8``), read here with a bounded read: Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards form bodies, and a form body above
it would be refused with a 400 by the CSRF middleware before any view runs. A
form field ``manifest`` is accepted too, for clients that post forms (those stay
subject to Django's form size limit).
"""

from __future__ import annotations

import io
import logging
from collections import Counter
from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cluster_sim import SUPPORTED_KINDS, BundleError, InputError, load_bundle
from cluster_sim.cli import read_source
from cluster_sim.validation.limits import MAX_BYTES
from cluster_sim.yamlsource import load_documents
from playground import gallery, views
from playground.protocol import MANIFEST_FILE

logger = logging.getLogger(__name__)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
TOO_LARGE = f"input is larger than the playground's limit of {MAX_BYTES // 1024} KiB"


@require_POST
def validate(request: HttpRequest) -> HttpResponse:
    """Validate the posted manifest; render the error list (or a short summary)."""
    errors, warnings, summary = _check(request)
    context = {
        "errors": errors,
        "warnings": warnings,
        "summary": summary,
        "state": "invalid" if errors else ("empty" if summary is None else "valid"),
        "errors_data": [
            *({**e.to_dict(), "severity": "error"} for e in errors),
            *({**w.to_dict(), "severity": "warning"} for w in warnings),
        ],
    }
    response = render(request, "playground/_validation.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _check(request: HttpRequest) -> tuple[list[InputError], list[InputError], str | None]:
    """The errors, the warnings, and the summary of a valid manifest."""
    source = _read_manifest(request)
    if isinstance(source, InputError):
        return [source], [], None
    try:
        bundle = load_bundle([(MANIFEST_FILE, source)])
    except BundleError as exc:
        return list(exc.errors), [], None
    except Exception as exc:  # a bug in the validator must not give an error page
        logger.exception("Validating the manifest failed")
        return [_plain(f"the validator failed on this input: {exc}", "internal")], [], None
    return [], list(bundle.warnings), _summary(source)


def _read_manifest(request: HttpRequest) -> str | InputError:
    """The posted text, or the error that says why there is none to validate."""
    if request.content_type in FORM_TYPES:
        return str(request.POST.get("manifest", ""))
    length = _content_length(request)
    if length is not None and length > MAX_BYTES:
        return _plain(TOO_LARGE, "limit")
    raw = request.read(MAX_BYTES + 1)  # not request.body: that one is size-checked
    if len(raw) > MAX_BYTES:
        return _plain(TOO_LARGE, "limit")
    # The CLI's own reading, so that undecodable bytes get its message, word for word.
    source = read_source("-", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    if isinstance(source, InputError):
        return replace(source, file=MANIFEST_FILE)
    return source[1]


def _content_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _plain(message: str, code: str) -> InputError:
    return InputError(MANIFEST_FILE, 1, 1, message, "", code)


def _summary(text: str) -> str | None:
    """``valid: 2 objects (1 Pod, 1 Scenario)``, or ``None`` for an empty manifest.

    Documents of a kind the playground skips are counted apart:
    ``valid: 1 object (1 Pod); 1 document skipped``.
    """
    every = [str(doc.data.get("kind")) for doc in load_documents(MANIFEST_FILE, text)]
    kinds = Counter(kind for kind in every if kind in SUPPORTED_KINDS)
    skipped = len(every) - sum(kinds.values())
    total = sum(kinds.values())
    if not every:
        return None
    parts = ", ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in kinds.items())
    summary = f"valid: {total} object{'' if total == 1 else 's'}" + (f" ({parts})" if parts else "")
    if skipped:
        summary += f"; {skipped} document{'' if skipped == 1 else 's'} skipped"
    return summary


# --------------------------------------------------------------------------------------
# Gallery
# --------------------------------------------------------------------------------------


@require_GET
def gallery_index(request: HttpRequest) -> HttpResponse:
    """Every chapter, in order, with its entries: title and what to watch for."""
    chapters = gallery.by_chapter(gallery.load_gallery())
    return render(request, "playground/gallery.html", {"chapters": chapters})


@require_GET
def gallery_entry(request: HttpRequest, slug: str) -> HttpResponse:
    """The playground page with a gallery entry's bundle in the editor."""
    try:
        item = gallery.entry(slug)
    except KeyError:
        raise Http404(f"There is no gallery entry {slug!r}.") from None
    context = views.page_context()
    context.update(
        manifest=item.text,
        default_example="",  # the picker then says "Your own manifest"
        gallery_entry=item,
    )
    return render(request, "playground/index.html", context)
