"""Kolejka: on-site queue and kiosk management.

This package holds what every role shares: the pure queue core (`kolejka.core`),
the wire schemas (`kolejka.schemas`), the client library (`kolejka.client`) and the
gettext catalogues (`kolejka.i18n`). The roles live beside it: `server`, `kiosk`,
`display`, `counter`, `printers`.
"""

__version__ = "0.1.0"
