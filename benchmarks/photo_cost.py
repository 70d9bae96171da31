"""What cleaning one photo costs on the request path (workorders.intake.photos.photo_prepare): the CPU of a
resident's or grid worker's photo, checked, decoded, stripped of its metadata and re-encoded, for the sizes
phones send. The photos are synthetic (a gradient under noise, as incompressible as a real scene), JPEG at
quality 92, made in memory; nothing touches the database.

    uv run python benchmarks/photo_cost.py [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
os.environ.setdefault("CAPILLARY_BENCH_RUN", "photo")

SIZES = [(4000, 3000), (4032, 3024), (3000, 4000), (2560, 1920), (1280, 960)]


def phone_photo(width: int, height: int) -> bytes:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((width, height))
    bands = [Image.blend(gradient, Image.effect_noise((width, height), sigma), 0.35) for sigma in (30, 40, 50)]
    buffer = io.BytesIO()
    Image.merge("RGB", bands).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from workorders.intake.photos import photo_prepare

    for width, height in SIZES:
        data = phone_photo(width, height)
        upload = SimpleUploadedFile("IMG.jpg", data, content_type="image/jpeg")
        photo_prepare(upload=upload)  # warm: the codecs' first use
        started = time.process_time()
        for _ in range(args.runs):
            prepared = photo_prepare(upload=upload)
        cpu = (time.process_time() - started) * 1000 / args.runs
        print(
            f"{width}×{height} ({len(data) // 1024} KB) -> {prepared.width}×{prepared.height} "
            f"({len(prepared.content) // 1024} KB): {cpu:.0f} ms of CPU"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
