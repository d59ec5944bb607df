"""Named limits that keep hostile or accidental inputs from costing minutes or gigabytes."""

MAX_FILE_BYTES = 200 * 1024 * 1024   # bigger than any score report, scanned or not
MAX_PAGES_READ = 4                    # score reports are 1–3 pages; never read a 5,000-page PDF
MAX_PAGE_POINTS = 14_400              # 200 inches (the PDF format's own limit): a page wider/taller
                                      # than this is refused
MAX_OCR_PAGE_POINTS = 3_600           # 50 inches: a page without a text layer larger than this is not
                                      # rendered for OCR (reports are printed/scanned at most on A3/tabloid)
MAX_IMAGE_PIXELS = 60_000_000         # checked before decoding
FILE_SECONDS = 60                     # wall clock for reading one file (SCOREREADER_TIME_LIMIT overrides)
FILE_MEMORY_MB = 768                  # memory ceiling for reading one file (SCOREREADER_MEMORY_MB overrides)
MAX_STREAM_BYTES = 16 * 1024 * 1024   # one decompressed content stream; a report page's is < 1 MB
MAX_PAGE_OBJECTS = 25_000             # chars + shapes + images on one page; a report page has < 5,000
                                      # (pdfminer makes ~10,000 a second: the bound is also a time bound)
MAX_RENDER_PIXELS = 12_000_000        # a picture rendered for charts or the explain view (a letter page
                                      # at 300 dpi is 8.4 million)
MAX_FALLBACK_SCAN_BYTES = 32 * 1024 * 1024  # a PDF without a usable cross-reference table is only
                                      # scanned object by object (slow, in Python) when smaller than this
