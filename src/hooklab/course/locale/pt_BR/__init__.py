"""Brazilian Portuguese: the modules beside this one hold its message table."""
