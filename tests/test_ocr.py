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


def test_dark_mode_inverted_and_tiny_text_upscaled():
    light = chart([0.5, 0.2], size=(700, 200), scale=0.55)  # ~6-px capitals
    dark = Image.eval(light, lambda v: 255 - v)
    prep = preprocess.prepare(dark)
    assert prep.inverted
    assert prep.cap_height < preprocess.MIN_NATIVE_CAP_HEIGHT
    assert prep.scale > 2.5  # tiny text is upscaled toward TARGET_CAP_HEIGHT-px capitals
    assert np.asarray(prep.ocr).mean() > 200  # dark text on light for Tesseract
    assert not preprocess.prepare(light).inverted


def test_screen_text_read_at_native_size():
    """1× screen text (≈9-px capitals) goes to Tesseract unscaled: its LSTM normalizes line
    height itself, and Tesseract's time grows with the image's area."""
    prep = preprocess.prepare(chart([0.5, 0.2], size=(700, 200), scale=0.8))
    assert preprocess.MIN_NATIVE_CAP_HEIGHT <= prep.cap_height < 12
    assert prep.scale == 1.0 and prep.ocr.size == (prep.width, prep.height)


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


# --------------------------------------------------------------------------- memory: one page, one copy

def test_frames_come_one_at_a_time(tmp_path):
    p = tmp_path / "three.tiff"
    pages = [Image.new("RGB", (30 + 10 * i, 30), "white") for i in range(3)]
    pages[0].save(p, save_all=True, append_images=pages[1:])
    count, frames = images.iter_images(p)
    assert count == 3
    assert next(frames).size == (30, 30)  # decoded lazily: the rest are not read yet
    assert [f.size for f in frames] == [(40, 30), (50, 30)]
    assert images.load_frame(p, 2).size == (50, 30)
    assert images.iter_images(p, max_frames=2)[0] == 2


def test_prepare_takes_an_array_and_leaves_it_alone():
    im = chart([0.5, 0.7], size=(700, 200))
    a = np.array(im)
    before = a.copy()
    prep = preprocess.prepare(a)
    assert np.array_equal(a, before)
    ref = preprocess.prepare(im)
    assert prep.size == ref.size and prep.scale == ref.scale
    assert np.array_equal(np.asarray(prep.ocr), np.asarray(ref.ocr))


def test_text_near_the_target_size_is_not_upscaled(monkeypatch):
    # capitals a little under the target (a 300-dpi scan) are read as they are: Tesseract's time
    # grows with the pixel count, and it reads them just as well
    monkeypatch.setattr(preprocess, "estimate_cap_height", lambda luma: preprocess.TARGET_CAP_HEIGHT * 0.9)
    prep = preprocess.prepare(chart([0.5], size=(700, 200)))
    assert prep.scale == 1.0 and prep.ocr.size == (prep.width, prep.height)


def test_explain_frame_is_reduced_and_page_size_kept():
    wide = np.full((900, 3000, 3), 200, dtype=np.uint8)
    wide[:, :1500] = (10, 20, 30)
    small = ocr._explain_frame(wide)
    assert small.shape == (300, 1000, 3) and small.dtype == np.uint8
    assert tuple(small[5, 5]) == (10, 20, 30) and tuple(small[5, -5]) == (200, 200, 200)
    narrow = np.zeros((50, 80, 3), dtype=np.uint8)
    assert ocr._explain_frame(narrow) is narrow


def test_blank_bars_works_on_crops_in_place():
    im = chart([0.6, 0.3], size=(900, 300))
    prep = preprocess.prepare(im)
    bars = ocr.find_bars(prep.rgb, deskew=False)
    assert bars
    before = np.array(prep.ocr)
    ocr._blank_bars(prep, bars)
    after = np.asarray(prep.ocr)
    b = bars[0].box
    s = prep.scale
    inside = after[int(b.top * s) + 1:int(b.bottom * s) - 1, int(b.x0 * s) + 1:int(b.x1 * s) - 1]
    assert inside.min() == 255  # the bar is painted out
    outside = np.ones(after.shape, dtype=bool)
    for bar in bars:
        bb = bar.box
        outside[max(0, int(bb.top * s) - 2):int(bb.bottom * s) + 3, max(0, int(bb.x0 * s) - 2):int(bb.x1 * s) + 3] = False
    assert np.array_equal(after[outside], before[outside])  # nothing else changed


def test_pgm_is_streamed_in_bands():
    gray = Image.fromarray((np.arange(1300 * 70) % 251).astype(np.uint8).reshape(1300, 70), "L")
    from scorereader.extract.tesseract import pgm_chunks

    chunks = list(pgm_chunks(gray))
    assert len(chunks) > 2 and chunks[0] == b"P5\n70 1300\n255\n"
    assert b"".join(chunks[1:]) == gray.tobytes()


@needs_tesseract
def test_scanned_pdf_page_rendered_as_rgb_array(tmp_path):
    p = tmp_path / "red.pdf"
    im = Image.new("RGB", (300, 200), (255, 255, 255))
    im.paste((220, 30, 40), (50, 50, 250, 150))
    im.save(p, "PDF", resolution=100)
    [(n, arr)] = list(ocr._render_pdf_pages(p, [1], 100))
    assert n == 1 and arr.dtype == np.uint8 and arr.shape == (200, 300, 3) and arr.flags.c_contiguous
    r, g, b = (int(v) for v in arr[100, 150])
    assert r > 200 and g < 60 and b < 70  # RGB order, not BGR
