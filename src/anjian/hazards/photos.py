"""Photo uploads: images only, size-limited, re-encoded as JPEG (which drops every embedded
payload and the EXIF block), with the camera's GPS position and time kept as data."""

import hashlib
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs (a 50-megapixel photo is plenty)

_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003


@dataclass
class ProcessedPhoto:
    content: ContentFile
    sha256: str
    width: int
    height: int
    size: int
    latitude: Decimal | None
    longitude: Decimal | None
    taken_at: str


def _to_degrees(values, ref) -> Decimal | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if ref in ("S", "W", b"S", b"W"):
        value = -value
    return Decimal(f"{value:.6f}")


def _exif_position(image: Image.Image) -> tuple[Decimal | None, Decimal | None, str]:
    try:
        exif = image.getexif()
    except Exception:  # noqa: BLE001 — a broken EXIF block just means no position
        return None, None, ""
    gps = exif.get_ifd(_GPS_IFD) if exif else {}
    lat = lon = None
    if gps and 2 in gps and 4 in gps:
        lat = _to_degrees(gps.get(2), gps.get(1))
        lon = _to_degrees(gps.get(4), gps.get(3))
        if lat is not None and not -90 <= lat <= 90:
            lat = None
        if lon is not None and not -180 <= lon <= 180:
            lon = None
    taken = ""
    if exif:
        taken = str(exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL, "") or exif.get(0x0132, "") or "")[:30]
    return lat, lon, taken


def process(upload) -> ProcessedPhoto:
    """Validate and re-encode one uploaded file; raises ValidationError with a message for the user."""
    name = getattr(upload, "name", "") or _("照片")
    if upload.size > settings.ANJIAN_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("照片「{name}」超过 {limit} MB。").format(name=name, limit=settings.ANJIAN_PHOTO_MAX_BYTES // 1048576),
            code="photo_too_large",
        )
    try:
        image = Image.open(upload)
        image.verify()  # structure check; the object is unusable afterwards
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in ("JPEG", "PNG", "WEBP", "HEIF", "GIF", "BMP", "MPO"):
            raise ValidationError(
                _("「{name}」不是支持的图片格式（JPEG、PNG、WebP）。").format(name=name), code="photo_type"
            )
        lat, lon, taken = _exif_position(image)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((settings.ANJIAN_PHOTO_MAX_SIDE, settings.ANJIAN_PHOTO_MAX_SIDE))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("「{name}」不是有效的图片文件。").format(name=name), code="photo_invalid") from None
    data = out.getvalue()
    return ProcessedPhoto(
        content=ContentFile(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=image.width,
        height=image.height,
        size=len(data),
        latitude=lat,
        longitude=lon,
        taken_at=taken,
    )


def process_all(uploads) -> list[ProcessedPhoto]:
    uploads = list(uploads or [])
    if len(uploads) > settings.ANJIAN_PHOTOS_PER_UPLOAD:
        message = _("一次最多上传 {n} 张照片。").format(n=settings.ANJIAN_PHOTOS_PER_UPLOAD)
        raise ValidationError({"photos": ValidationError(message, code="photo_count")})
    out, errors = [], []
    for upload in uploads:
        try:
            out.append(process(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError({"photos": errors})
    return out
