"""Named limits that keep hostile or accidental inputs from costing minutes or gigabytes."""

MAX_FILE_BYTES = 200 * 1024 * 1024   # bigger than any score report, scanned or not
MAX_PAGES_READ = 4                    # score reports are 1–3 pages; never read a 5,000-page PDF
MAX_PAGE_POINTS = 14_400              # 200 inches (the PDF format's own limit): a page wider/taller
                                      # than this is refused
MAX_OCR_PAGE_POINTS = 3_600           # 50 inches: a page without a text layer larger than this is not
                                      # rendered for OCR (reports are printed/scanned at most on A3/tabloid)
MAX_IMAGE_PIXELS = 60_000_000         # checked before decoding
