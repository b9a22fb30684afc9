"""kiosk role of Kolejka."""
