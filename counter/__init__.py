"""counter role of Kolejka."""
