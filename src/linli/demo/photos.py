"""Phone-like photos for the demo county, drawn with Pillow (no files shipped, no network).

Each is a 960×720 JPEG of a simple scene — a stairwell, a courtyard, a doorway — carrying
the EXIF a phone writes (maker, GPS position), so the demo goes through the same upload
module as a real photo and stores it without them. A few pictures per scene are drawn once
and reused (the upload module re-encodes each upload anyway). Same ``rng`` state, same
picture.
"""

from __future__ import annotations

import functools
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

WIDTH, HEIGHT = 960, 720
WALLS = [(214, 200, 178), (190, 196, 204), (222, 210, 196), (205, 186, 160), (176, 190, 180)]
ACCENTS = [(176, 60, 48), (52, 104, 156), (60, 132, 84), (196, 140, 40), (110, 80, 150)]


def _exif(rng: random.Random):
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"  # Make
    exif[0x0110] = "Linli Demo"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[3] = "N", "E"
    gps[2] = (26.0, 56.0, round(rng.uniform(0, 59), 2))  # 衡东县洣水镇
    gps[4] = (112.0, 57.0, round(rng.uniform(0, 59), 2))
    return exif


def _stairwell(draw, rng):
    wall = rng.choice(WALLS)
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=wall)
    shade = tuple(max(0, c - 40) for c in wall)
    for i in range(7):  # steps going up to the right
        x0 = 80 + i * 110
        y0 = HEIGHT - 90 - i * 80
        draw.rectangle([x0, y0, WIDTH, y0 + 80], fill=shade, outline=(90, 90, 90), width=3)
    draw.line([60, 420, WIDTH - 40, 40], fill=(60, 60, 60), width=10)  # handrail
    lit = rng.random() < 0.5
    lamp = (255, 236, 150) if lit else (120, 120, 110)
    draw.ellipse([WIDTH // 2 - 40, 30, WIDTH // 2 + 40, 110], fill=lamp, outline=(70, 70, 70))
    if rng.random() < 0.6:  # something left on the landing
        x = rng.randint(120, 420)
        draw.rectangle([x, HEIGHT - 230, x + 150, HEIGHT - 90], fill=rng.choice(ACCENTS))


def _courtyard(draw, rng):
    draw.rectangle([0, 0, WIDTH, 300], fill=(150, 190, 226))  # sky
    draw.rectangle([0, 300, WIDTH, HEIGHT], fill=(150, 150, 146))  # ground
    for b in range(3):
        x0 = 40 + b * 310
        wall = rng.choice(WALLS)
        draw.rectangle([x0, 90, x0 + 260, 420], fill=wall, outline=(110, 110, 110), width=3)
        for row in range(4):
            for col in range(3):
                wx, wy = x0 + 25 + col * 80, 115 + row * 75
                draw.rectangle([wx, wy, wx + 45, wy + 45], fill=(90, 120, 150))
    for _ in range(rng.randint(2, 5)):  # e-bikes and bins
        x = rng.randint(40, WIDTH - 160)
        y = rng.randint(470, HEIGHT - 120)
        color = rng.choice(ACCENTS)
        if rng.random() < 0.5:
            draw.rounded_rectangle([x, y, x + 120, y + 60], radius=14, fill=color)
            draw.ellipse([x + 5, y + 45, x + 40, y + 80], fill=(40, 40, 40))
            draw.ellipse([x + 80, y + 45, x + 115, y + 80], fill=(40, 40, 40))
        else:
            draw.rectangle([x, y, x + 70, y + 90], fill=(46, 120, 70), outline=(30, 70, 40))


def _doorway(draw, rng):
    wall = rng.choice(WALLS)
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=wall)
    door = rng.choice(ACCENTS)
    draw.rectangle([330, 140, 630, HEIGHT - 40], fill=door, outline=(60, 50, 40), width=8)
    draw.ellipse([580, 420, 604, 444], fill=(220, 200, 120))
    draw.rectangle([350, 60, 610, 120], fill=(176, 40, 40))  # the red 门牌/对联 board
    draw.rectangle([0, HEIGHT - 40, WIDTH, HEIGHT], fill=(120, 116, 110))
    if rng.random() < 0.5:  # a wire hanging from a window (飞线)
        draw.line([WIDTH - 60, 0, 700, 300, 720, HEIGHT - 60], fill=(20, 20, 20), width=6)


SCENES = {"stairwell": _stairwell, "courtyard": _courtyard, "doorway": _doorway}


VARIANTS = 4  # pictures per scene; each is drawn once per process and reused


@functools.lru_cache(maxsize=len(SCENES) * VARIANTS)
def _drawn(scene: str, variant: int) -> bytes:
    from PIL import Image, ImageDraw

    rng = random.Random(f"{scene}:{variant}")
    image = Image.new("RGB", (WIDTH, HEIGHT))
    SCENES[scene](ImageDraw.Draw(image), rng)
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=80, exif=_exif(rng))
    return buf.getvalue()


def demo_photo(
    rng: random.Random, *, scene: str | None = None, name: str = ""
) -> SimpleUploadedFile:
    """A JPEG upload as a phone would send it (named like a phone's ``IMG_….jpg``): one of
    a few pictures of ``scene``, picked with ``rng``."""
    scene = scene or rng.choice(sorted(SCENES))
    data = _drawn(scene, rng.randrange(VARIANTS))
    name = name or f"IMG_{rng.randint(20240101, 20261231)}_{rng.randint(0, 999999):06d}.jpg"
    return SimpleUploadedFile(name, data, content_type="image/jpeg")
