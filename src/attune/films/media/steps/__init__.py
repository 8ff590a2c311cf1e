"""The steps of the media pipeline, one module each; the pipeline lists them in order."""
