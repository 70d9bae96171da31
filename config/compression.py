"""Responses compressed for phones on mobile data: Django's GZipMiddleware, minus what compression cannot shrink.

Pages, API answers, Open311 XML/JSON and CSV exports are text, and gunicorn serves them with no proxy in front to
compress them: in the demo district the official's queue is 41,920 bytes and 8,111 gzipped, the map 157,728 and
15,240 (622,427 and 33,145 with its 400 compounds four times over). The parent does the work, with Django's BREACH
mitigation ("Heal the Breach": up to 100 random bytes in the gzip header, so that a page's compressed length does
not give away a secret beside a reflected input).

Left alone here:
- Content types that are compressed already (JPEG photos, PDFs, zip-based office files, woff fonts, video):
  gzip would spend CPU on every download, take the file's Content-Length and make a download stream without one,
  for no gain. SVG is XML and compresses like any text, so it is not counted as an image here.
- A partial answer (206, WhiteNoise's answer to a Range request): its Content-Range counts bytes of the file as
  stored, which a compressed body would contradict.

WhiteNoise's static files are otherwise unaffected: in production it serves its precompressed .gz/.br files with
Content-Encoding set, which the parent leaves alone."""

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

COMPRESSED_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "font/woff",
        "font/woff2",
    }
)
# Photos and media; the zip containers of .xlsx/.docx/.pptx (the exports' XLSX among them) and of OpenDocument.
COMPRESSED_TYPE_PREFIXES = (
    "image/",
    "video/",
    "audio/",
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
)
TEXT_IMAGES = frozenset({"image/svg+xml"})


def is_compressed_already(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in TEXT_IMAGES:
        return False
    return media_type in COMPRESSED_TYPES or media_type.startswith(COMPRESSED_TYPE_PREFIXES)


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.status_code == 206 or is_compressed_already(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
