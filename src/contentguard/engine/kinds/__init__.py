"""One module per rule kind. ``model``: a learned classifier scored per sentence, a batch at a time."""
