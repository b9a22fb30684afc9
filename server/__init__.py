"""server role of Kolejka."""
