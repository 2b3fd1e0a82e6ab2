"""The forms of the pages: fields described once, drawn by the templates, read back into JSON."""
