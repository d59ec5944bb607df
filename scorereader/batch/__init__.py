"""`scorereader batch DIR`: a plan per score report in a folder, plus summary.csv/json and cohort.pdf.

discovery (find + hash + duplicates) → pool/worker (long-lived worker processes with a per-task time
limit) → history (attempts of the same candidate and exam) → summary → cohort; manifest keeps what is
up to date between runs; runner ties them together. The click command is scorereader/commands/batch.py.
"""
