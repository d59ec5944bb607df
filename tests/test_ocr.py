"""The OCR path's own pieces: safe loading, sniffing, EXIF, preprocessing, the Tesseract wrapper."""
from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from scorereader.errors import InputTooLarge, InputUnreadable, MissingDependency
from scorereader.extract import images, ocr, preprocess
from scorereader.extract.pixels import luma_of
from scorereader.ir import Document, Word
from synth import chart, font, rotate

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(path: Path, w: int, h: int, idat: bytes) -> Path:
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b""))
    return path


# --------------------------------------------------------------------------- safety

def test_huge_png_header_refused_before_decoding(tmp_path):
    # 30,000 × 30,000 declared, a few bytes of data: decoding would need 900 MB
    p = _png(tmp_path / "huge.png", 30_000, 30_000, zlib.compress(b"\x00" * 100))
    assert p.stat().st_size < 500
    with pytest.raises(InputTooLarge) as err:
        images.load_image(p)
    assert "megapixel" in str(err.value) and str(p) in str(err.value)


def test_png_bomb_refused(tmp_path):
    # a real, valid 9,000 × 9,000 image (81 MP > 60 MP) that compresses to ~80 kB
    w = h = 9_000
    comp = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * w
    data = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    p = _png(tmp_path / "bomb.png", w, h, data)
    assert p.stat().st_size < 200_000
    with pytest.raises(InputTooLarge):
        images.load_image(p)


def test_decompression_bomb_warning_becomes_error(tmp_path, monkeypatch):
    # below our limit but above Pillow's own (lowered here): Pillow's warning must become our error
    p = tmp_path / "w.png"
    Image.new("L", (400, 400), 255).save(p)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)
    with pytest.raises(InputTooLarge):
        images.load_image(p)


def test_limit_is_a_setting(tmp_path, monkeypatch):
    p = tmp_path / "ok.png"
    Image.new("RGB", (300, 200), "white").save(p)
    monkeypatch.setattr(images, "MAX_IMAGE_PIXELS", 50_000)
    with pytest.raises(InputTooLarge):
        images.load_image(p)


def test_corrupt_and_truncated_images(tmp_path, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what importing WeasyPrint does
    p = tmp_path / "t.png"
    Image.new("RGB", (200, 200), "red").save(p)
    p.write_bytes(p.read_bytes()[:60])
    with pytest.raises(InputUnreadable):
        images.load_image(p)
    q = tmp_path / "junk.png"
    q.write_bytes(b"not an image at all")
    with pytest.raises(InputUnreadable):
        images.load_image(q)


# --------------------------------------------------------------------------- types, EXIF, alpha

def test_content_type_from_magic_bytes_not_extension(tmp_path):
    p = tmp_path / "report.pdf"  # really a PNG
    Image.new("RGB", (50, 40), "white").save(p, "PNG")
    assert images.sniff_type(p) == "png"
    assert images.load_image(p).size == (50, 40)
    for fmt, kind in (("JPEG", "jpeg"), ("WEBP", "webp"), ("TIFF", "tiff"), ("GIF", "gif"), ("BMP", "bmp")):
        q = tmp_path / f"x.{kind}.bin"
        Image.new("RGB", (20, 20), "white").save(q, fmt)
        assert images.sniff_type(q) == kind
    pdf = tmp_path / "a.png"
    pdf.write_bytes(b"%PDF-1.7\n%...")
    assert images.sniff_type(pdf) == "pdf"
    with pytest.raises(InputUnreadable):
        images.load_image(pdf)


def test_exif_orientation_applied(tmp_path):
    im = Image.new("RGB", (120, 60), "white")
    im.paste((255, 0, 0), (0, 0, 20, 20))  # red square top-left of the stored pixels
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display needs 90° clockwise
    p = tmp_path / "photo.jpg"
    im.save(p, "JPEG", exif=exif, quality=95)
    out = images.load_image(p)
    assert out.size == (60, 120)
    r, g, b = out.getpixel((50, 5))  # after rotating clockwise the square is top-right
    assert r > 200 and g < 80


def test_alpha_flattened_onto_white(tmp_path):
    im = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    im.paste((0, 0, 255, 255), (10, 10, 30, 30))
    p = tmp_path / "a.png"
    im.save(p)
    out = images.load_image(p)
    assert out.mode == "RGB"
    assert out.getpixel((2, 2)) == (255, 255, 255)
    assert out.getpixel((20, 20)) == (0, 0, 255)


def test_multi_page_tiff(tmp_path):
    p = tmp_path / "two.tiff"
    a, b = Image.new("RGB", (30, 30), "white"), Image.new("RGB", (40, 30), "white")
    a.save(p, save_all=True, append_images=[b])
    assert [f.size for f in images.load_images(p)] == [(30, 30), (40, 30)]


# --------------------------------------------------------------------------- preprocessing

def test_skew_estimate_and_deskew():
    im = chart([0.5, 0.7, 0.3], size=(900, 400))
    for deg in (2.0, -3.5):
        est = preprocess.estimate_skew(luma_of(np.asarray(rotate(im, deg))))
        # rotate() turns the picture counter-clockwise: lines then go *up* to the right
        assert abs(est + deg) <= 0.2, (deg, est)
    assert abs(preprocess.estimate_skew(luma_of(np.asarray(im)))) <= 0.1


def test_dark_mode_inverted_and_small_text_upscaled():
    light = chart([0.5, 0.2], size=(700, 200))
    dark = Image.eval(light, lambda v: 255 - v)
    prep = preprocess.prepare(dark)
    assert prep.inverted
    assert prep.scale > 1.3  # 14 px text is upscaled toward ~30 px capitals
    assert np.asarray(prep.ocr).mean() > 200  # dark text on light for Tesseract
    assert not preprocess.prepare(light).inverted


def test_uneven_lighting_evened_out():
    im = chart([0.5], size=(700, 200))
    a = np.asarray(im).astype(np.float32)
    a *= np.linspace(1.0, 0.6, a.shape[1])[None, :, None]
    prep = preprocess.prepare(Image.fromarray(a.astype(np.uint8)))
    assert prep.normalized
    right_paper = prep.rgb[5:15, -60:-10].mean()
    assert right_paper > 225


# --------------------------------------------------------------------------- Tesseract

def test_missing_tesseract_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "TESSERACT_CMD", str(tmp_path / "no-such-tesseract"))
    p = tmp_path / "s.png"
    chart([0.4]).save(p)
    with pytest.raises(MissingDependency) as err:
        ocr.extract_image(p)
    msg = str(err.value)
    assert "apt-get install tesseract-ocr" in msg and "brew install tesseract" in msg
    assert err.value.exit_code == 3
    with pytest.raises(MissingDependency):
        ocr.ocr_words(chart([0.4]))


def test_tsv_parsing_scales_back_and_shares_line_boxes():
    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t10\t24\t100\t30\t96.5\tYour\n"
           "5\t1\t1\t1\t1\t2\t120\t20\t80\t40\t91\tScore:\n"
           "5\t1\t1\t1\t1\t3\t210\t22\t60\t28\t12\t652\n"
           "5\t1\t1\t1\t1\t4\t280\t22\t10\t28\t95\t \n")
    read = ocr.parse_tsv(tsv, scale=2.0)
    assert [w.text for w in read.words] == ["Your", "Score:", "652"]
    w = read.words[0]
    assert (w.box.x0, w.box.top, w.box.x1, w.box.bottom) == (5.0, 10.0, 55.0, 30.0)
    assert all(x.box.top == 10.0 and x.box.bottom == 30.0 for x in read.words)
    assert read.words[2].conf == 12
    assert 18 <= w.size <= 30


@needs_tesseract
def test_ocr_words_on_a_crop_in_crop_coordinates():
    im = Image.new("RGB", (600, 120), "white")
    from PIL import ImageDraw

    ImageDraw.Draw(im).text((40, 40), "Your Score: 652", fill="black", font=font(22))
    words = ocr.ocr_words(im)
    texts = [w.text for w in words]
    assert "652" in texts, texts
    w = words[texts.index("652")]
    assert 150 < w.box.x0 < 260 and 30 < w.box.top < 50 and w.box.bottom < 80
    assert all(isinstance(x, Word) and x.conf is not None for x in words)


@needs_tesseract
def test_extract_image_end_to_end(tmp_path):
    im = chart([0.42, 0.8, 0.15], size=(900, 300))
    p = tmp_path / "shot.png"
    im.save(p)
    doc = ocr.extract_image(p)
    assert isinstance(doc, Document) and doc.method == "image-ocr" and doc.page_count == 1
    page = doc.pages[0]
    assert "performance" in " ".join(w.text for w in page.words)
    assert [round(b.fraction, 2) for b in page.bars] == [0.42, 0.8, 0.15]
    assert len(doc.sha256) == 64


@needs_tesseract
def test_low_confidence_page_warns(tmp_path):
    rng = np.random.default_rng(1)
    noise = (rng.random((300, 500)) > 0.5).astype(np.uint8) * 255
    p = tmp_path / "noise.png"
    Image.fromarray(noise).save(p)
    doc = ocr.extract_image(p)
    assert doc.warnings and ("hard to read" in doc.warnings[0] or "no readable text" in doc.warnings[0])


@needs_tesseract
def test_sideways_page_is_turned_upright(tmp_path):
    from PIL import ImageDraw

    im = Image.new("RGB", (1000, 700), "white")
    d = ImageDraw.Draw(im)
    for i, line in enumerate(["Microsoft Certification Score Report", "Exam AZ-104 Microsoft Azure Administrator",
                              "Your score 652 and the passing score 700", "Result: fail. Skills measured below.",
                              "Manage Azure identities and governance", "Implement and manage storage"]):
        d.text((40, 40 + i * 60), line, fill="black", font=font(30))
    p = tmp_path / "sideways.png"
    im.rotate(90, expand=True).save(p)
    doc = ocr.extract_image(p)
    text = " ".join(w.text for w in doc.pages[0].words)
    assert "Administrator" in text and "652" in text


@needs_tesseract
def test_scanned_pdf(tmp_path):
    p = tmp_path / "scan.pdf"
    chart([0.6, 0.3], size=(900, 300), scale=2).save(p, "PDF", resolution=150)
    doc = ocr.extract_scanned_pdf(p, 1)
    assert doc.method == "pdf-ocr" and doc.page_count == 1 and len(doc.pages) == 1
    assert [round(b.fraction, 2) for b in doc.pages[0].bars] == [0.6, 0.3]
