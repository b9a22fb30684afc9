"""Text messages through a pluggable HTTP gateway (a `Transport`, server/mailer.py).

    SmsApiGateway   SMSAPI.pl's REST API, as documented: `POST {base}/sms.do` with
                    `Authorization: Bearer <token>` and the form fields `to`, `message`,
                    `from` (a registered sender name), `encoding=utf-8`, `format=json`;
                    it answers `{"count": 1, "list": [{"id": …, "status": "QUEUE", …}]}`,
                    or `{"error": 13, "message": "…"}` (13: no valid number — permanent)
    WebhookGateway  any other provider behind a small adapter of the office's: `POST url`
                    with JSON `{"to", "message", "sender", "kind", "language"}`; 2xx is
                    delivered, 4xx permanent, 5xx tried again

A gateway that cannot be reached is tried again; one that took the request but whose
answer was lost leaves the outcome unknown (never sent twice).
"""

from __future__ import annotations

from typing import Any

import httpx

from server.mailer import DeliveryError
from server.outbox import Outgoing

SMSAPI_URL = "https://api.smsapi.pl"
# SMSAPI error codes that no retry will mend: no valid recipient, message too long or
# empty, the number is blacklisted.
SMSAPI_PERMANENT = {11, 12, 13, 14, 15, 40}


def _client(timeout_s: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)))


async def _post(client: httpx.AsyncClient, url: str, **kwargs: Any) -> httpx.Response:
    try:
        return await client.post(url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise DeliveryError(f"cannot reach the SMS gateway: {exc}") from None
    except httpx.HTTPError as exc:  # sent, the answer lost: it may have gone out
        raise DeliveryError(f"no answer from the SMS gateway: {exc}", unknown=True) from None


class SmsApiGateway:
    def __init__(
        self,
        token: str,
        *,
        sender: str | None = None,
        base_url: str = SMSAPI_URL,
        timeout_s: float = 30.0,
    ) -> None:
        self.token = token
        self.sender = sender
        self.url = base_url.rstrip("/") + "/sms.do"
        self._http = _client(timeout_s)

    async def send(self, message: Outgoing) -> None:
        form = {
            "to": message.recipient.lstrip("+"),
            "message": message.body,
            "encoding": "utf-8",
            "format": "json",
        }
        if self.sender:
            form["from"] = self.sender
        response = await _post(
            self._http, self.url, data=form, headers={"Authorization": f"Bearer {self.token}"}
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and "error" in answer:
            code = answer.get("error")
            raise DeliveryError(
                f"SMSAPI error {code}: {answer.get('message', '')}",
                permanent=code in SMSAPI_PERMANENT,
            )
        if response.status_code >= 400 or not isinstance(answer, dict) or not answer.get("count"):
            raise DeliveryError(
                f"SMSAPI answered HTTP {response.status_code}",
                permanent=400 <= response.status_code < 500 and response.status_code != 429,
            )

    async def close(self) -> None:
        await self._http.aclose()


class WebhookGateway:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        sender: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.url = url
        self.token = token
        self.sender = sender
        self._http = _client(timeout_s)

    async def send(self, message: Outgoing) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {
            "to": message.recipient,
            "message": message.body,
            "sender": self.sender,
            "kind": message.kind,
            "language": message.language,
        }
        response = await _post(self._http, self.url, json=body, headers=headers)
        if response.status_code >= 300:
            raise DeliveryError(
                f"the webhook answered HTTP {response.status_code}",
                permanent=400 <= response.status_code < 500 and response.status_code != 429,
            )

    async def close(self) -> None:
        await self._http.aclose()
