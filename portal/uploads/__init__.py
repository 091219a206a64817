"""The secure upload pipeline: JPEG, PNG and PDF only, rewritten, stored privately, served as downloads.

- `validation`: what a file is, from its bytes (`inspect_upload`, `UploadRejected`), and whether it fits
  in memory once decoded (images from the header; PDF streams measured by `pdf_streams`).
- `limits`: decodes per process (`decode_slot`) and upload attempts per user (`count_upload`).
- `sanitize`: images re-encoded without metadata, PDFs rewritten without active content.
- `services`: `prepare_upload`, `save_prepared_upload`, `upload_store` -> `StoredUpload`.
- `serving`: `private_file_response` (the caller checks access first).
- `forms`: `UploadField`, `clean_upload`.
- `thumbnails` / `tasks`: staff previews, rendered on the `pdf` queue.
- `pdf_pages` (+ `pdf_raster`, its child process): the first pages of a PDF as PNGs for staff.
- `cleanup`: `stored_uploads_delete_on_commit`, a released upload and its previews gone after commit.
- `middleware`: 413 for oversized request bodies; who is uploading, for the per-user rate.
"""
