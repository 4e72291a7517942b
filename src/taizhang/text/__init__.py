"""Bytes to clean Simplified Chinese text: decoding, document formats, OpenCC, normalisation, OCR repair."""
