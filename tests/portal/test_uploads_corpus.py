"""Files for the upload tests, generated in memory: good documents and the bad-input corpus."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pikepdf
from PIL import ExifTags, Image

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def noisy_image(size: tuple[int, int], mode: str = "RGB", seed: int = 1) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new(mode, size)
    channels = len(mode)
    image.frombytes(bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * channels)))
    return image


def jpeg_with_gps(size: tuple[int, int] = (64, 32), orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 12.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 0.0)
    out = io.BytesIO()
    noisy_image(size).save(out, format="JPEG", exif=exif, comment=b"secret camera note")
    return out.getvalue()


def jpeg(size: tuple[int, int] = (48, 48), **options: object) -> bytes:
    out = io.BytesIO()
    noisy_image(size).save(out, format="JPEG", **options)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30), mode: str = "RGBA") -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    noisy_image(size, mode).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def encrypted_pdf(*, user_password: str) -> bytes:
    """A one-page PDF encrypted like a bank's e-statement (user password) or only against editing
    (an owner password and an empty user password: it opens, but stays encrypted)."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    document.save(out, encryption=pikepdf.Encryption(user=user_password, owner="pemilik-rahasia"))
    return out.getvalue()


def pdf(
    *, pages: int = 1, javascript: bool = False, names_javascript: bool = False, extras: bool = False
) -> bytes:
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    if javascript:
        document.Root.OpenAction = pikepdf.Dictionary(
            Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")
        )
    if names_javascript:
        action = document.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('y')"))
        )
        document.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("run"), action]))
        )
    if extras:
        page = document.pages[0]
        document.Root.OpenAction = pikepdf.Array([page.obj, pikepdf.Name.Fit])
        link = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Link,
            Rect=pikepdf.Array([0, 0, 100, 100]),
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://evil.example/")),
        )
        attachment = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment, Rect=pikepdf.Array([0, 0, 10, 10])
        )
        page.obj.Annots = document.make_indirect(pikepdf.Array([link, attachment]))
        page.obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("x")))
        embedded = document.make_stream(b"MZ embedded executable")
        spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("a.exe"), EF={"/F": embedded})
        document.Root.Names = pikepdf.Dictionary(
            EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a.exe"), spec]))
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge size, with a tiny (bogus) IDAT: must be refused unread."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def compressible_png(size: tuple[int, int]) -> bytes:
    """A real, valid PNG of one colour: a few KB on disk, many megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", size).save(out, format="PNG")
    return out.getvalue()


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("ktp.jpg", jpeg())
    return out.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)


# --- The corpus really contains what the refusal tests rely on -----------------------------------


def test_gps_jpeg_carries_gps_orientation_and_comment() -> None:
    with Image.open(io.BytesIO(jpeg_with_gps(orientation=6))) as image:
        exif = image.getexif()
        assert exif[ExifTags.Base.Orientation] == 6
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "S"
        assert image.info["comment"] == b"secret camera note"


def test_javascript_pdfs_carry_javascript() -> None:
    assert b"/JavaScript" in pdf(javascript=True)
    assert b"/JavaScript" in pdf(names_javascript=True)
    with_extras = pdf(extras=True)
    assert b"/URI" in with_extras
    assert b"/EmbeddedFiles" in with_extras
