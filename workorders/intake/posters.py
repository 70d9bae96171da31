"""The compound's printable QR poster (码上反馈): one A4 page with the compound's name, "扫码反映问题", the QR
code of its public report page and the URL written out, rendered by WeasyPrint with the CJK font."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.constants
from django.template.loader import render_to_string
from weasyprint import HTML

from compounds.models import Compound


def qr_png_data_uri(url: str) -> str:
    """The QR code of `url` as a PNG data URI (error correction M: survives a little wear on a wall)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=12, border=2)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def poster_pdf(*, compound: Compound, url: str) -> bytes:
    """The A4 poster as PDF bytes. `url` is the compound's public report URL (absolute)."""
    html = render_to_string(
        "workorders/intake/poster.html",
        {
            "compound": compound,
            "community": compound.community,
            "street": compound.community.street,
            "url": url,
            "qr": qr_png_data_uri(url),
        },
    )
    return HTML(string=html).write_pdf()
