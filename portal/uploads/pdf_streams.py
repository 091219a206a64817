"""How much a PDF's streams inflate to, measured without holding the inflated bytes.

Sanitising keeps streams compressed as they came (no recompression), so a PDF whose 200 KB flate
stream inflates to 200 MB would be stored as it is and blow up in whatever opens it later. This counts
the bytes each stream's general-purpose filters produce, in chunks, and stops as soon as the total
passes the limit, so measuring a bomb costs a few megabytes and a fraction of a second, not its size.

Filters: FlateDecode, LZWDecode and RunLengthDecode are inflated (capped); ASCIIHex and ASCII85 only
shrink their input and are decoded whole. Image codecs (DCT, JPX, JBIG2, CCITT) end the measurement:
nothing of ours decodes them (the page preview renders pages in a memory-limited child process,
`pdf_raster`). A stream that stops decoding part-way counts what came out before the damage, as viewers
show what they can; qpdf has already refused unreadable files.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator
from typing import Final

import pikepdf

CHUNK: Final = 1024 * 1024
# An intermediate filter's output (e.g. ASCII85 before Flate) is held in memory; real ones are at most
# the size of the upload.
MAX_INTERMEDIATE_BYTES: Final = 32 * 1024 * 1024
_IMAGE_CODECS: Final = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF", "/Crypt"}
)
_ALIASES: Final = {"/Fl": "/FlateDecode", "/LZW": "/LZWDecode", "/RL": "/RunLengthDecode"}
_ALIASES_TEXT: Final = {"/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode"}
_NOT_HEX: Final = re.compile(rb"[^0-9A-Fa-f]")


class _Stop(Exception):
    """The output passed the limit."""


def decoded_stream_bytes(pdf: pikepdf.Pdf, *, limit: int) -> int:
    """Total bytes the streams of `pdf` inflate to; stops counting (and returns more than `limit`) as
    soon as the total passes `limit`."""
    total = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream):
            continue
        total += _stream_bytes(obj, limit=limit - total)
        if total > limit:
            break
    return total


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.get("/Filter")
    if isinstance(value, pikepdf.Name):
        names = [str(value)]
    elif isinstance(value, pikepdf.Array):
        names = [str(item) for item in value if isinstance(item, pikepdf.Name)]
    else:
        names = []
    return [_ALIASES.get(name, _ALIASES_TEXT.get(name, name)) for name in names]


def _stream_bytes(stream: pikepdf.Stream, *, limit: int) -> int:
    data = stream.read_raw_bytes()
    filters = _filters(stream)
    # The general-purpose filters up to the first image codec; all but the last are applied for real.
    general: list[str] = []
    for name in filters:
        if name in _IMAGE_CODECS or name not in _DECODERS:
            break
        general.append(name)
    if not general:
        return len(data)
    for name in general[:-1]:
        decoded = _materialise(_DECODERS[name](data), MAX_INTERMEDIATE_BYTES)
        if decoded is None:
            return limit + 1
        data = decoded
    count = 0
    for piece in _DECODERS[general[-1]](data):
        count += len(piece)
        if count > limit:
            return count
    return count


def _materialise(pieces: Iterator[bytes], cap: int) -> bytes | None:
    out = bytearray()
    for piece in pieces:
        out += piece
        if len(out) > cap:
            return None
    return bytes(out)


def _flate(data: bytes) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    pending = data
    try:
        while pending:
            piece = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if piece:
                yield piece
            elif inflater.eof or not pending:
                break
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error:
        return  # damaged: what came out before the damage is what a viewer gets too


def _run_length(data: bytes) -> Iterator[bytes]:
    # PDF RunLengthDecode: a length byte n; 0-127 copy the next n+1 bytes, 129-255 repeat the next
    # byte 257-n times, 128 ends the data. Yields zero-filled blocks of the right length: only the
    # count matters, and a repeat of 128 bytes from 2 is where the expansion is.
    index, size = 0, len(data)
    while index < size:
        n = data[index]
        if n == 128:
            return
        if n < 128:
            yield data[index + 1 : index + 2 + n]
            index += n + 2
        else:
            yield bytes(257 - n)
            index += 2


def _lzw(data: bytes) -> Iterator[bytes]:
    """PDF LZWDecode (EarlyChange 1, the default), yielding output in chunks."""
    table: list[bytes] = [bytes([i]) for i in range(256)] + [b"", b""]
    code_bits, previous = 9, b""
    bit_buffer = bit_count = 0
    out = bytearray()
    for byte in data:
        bit_buffer = (bit_buffer << 8) | byte
        bit_count += 8
        while bit_count >= code_bits:
            bit_count -= code_bits
            code = (bit_buffer >> bit_count) & ((1 << code_bits) - 1)
            if code == 256:  # clear table
                del table[258:]
                code_bits, previous = 9, b""
                continue
            if code == 257:  # end of data
                if out:
                    yield bytes(out)
                return
            if code < len(table):
                entry = table[code]
            elif code == len(table) and previous:
                entry = previous + previous[:1]
            else:
                if out:
                    yield bytes(out)
                return  # damaged
            out += entry
            if previous:
                table.append(previous + entry[:1])
            previous = entry
            if len(table) + 1 >= (1 << code_bits) and code_bits < 12:
                code_bits += 1
            if len(out) >= CHUNK:
                yield bytes(out)
                out.clear()
    if out:
        yield bytes(out)


def _ascii_hex(data: bytes) -> Iterator[bytes]:
    digits = _NOT_HEX.sub(b"", data.split(b">", 1)[0])
    if len(digits) % 2:
        digits += b"0"
    yield binascii.unhexlify(digits)


def _ascii85(data: bytes) -> Iterator[bytes]:
    body = data.split(b"~>", 1)[0].strip()
    body = body.removeprefix(b"<~")
    try:
        yield base64.a85decode(body, ignorechars=b" \t\n\r\x0b\x0c")
    except ValueError:
        return


_DECODERS: Final = {
    "/FlateDecode": _flate,
    "/LZWDecode": _lzw,
    "/RunLengthDecode": _run_length,
    "/ASCIIHexDecode": _ascii_hex,
    "/ASCII85Decode": _ascii85,
}
