"""display role of Kolejka."""
