"""A reference Open311 GeoReport v2 client, written from the specification
(wiki.open311.org/GeoReport_v2), not from the gateway's code: JSON format, requests
form-encoded, dates in W3C format, errors as a list of ``{code, description}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


class Open311Error(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


@dataclass
class GeoReportClient:
    http: httpx.Client
    endpoint: str  # e.g. http://host:port/open311/v2
    api_key: str = ""
    jurisdiction_id: str = ""

    def _get(self, path: str, **params: Any) -> Any:
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        r = self.http.get(f"{self.endpoint}/{path}",
                          params={k: v for k, v in params.items() if v is not None})
        return self._answer(r)

    @staticmethod
    def _answer(r: httpx.Response) -> Any:
        body = r.json()
        if r.status_code >= 400:
            assert isinstance(body, list), "errors are a list"
            for e in body:
                assert set(e) >= {"code", "description"}
            raise Open311Error(r.status_code, body)
        return body

    def services(self) -> list[dict[str, Any]]:
        return list(self._get("services.json"))

    def service_definition(self, code: str) -> dict[str, Any]:
        return dict(self._get(f"services/{code}.json"))

    def post_request(self, service_code: str, description: str, *, lat: float | None = None,
                     long: float | None = None, address_string: str | None = None,
                     first_name: str | None = None, last_name: str | None = None,
                     phone: str | None = None, email: str | None = None,
                     media: bytes | None = None) -> list[dict[str, Any]]:
        fields = {"api_key": self.api_key, "service_code": service_code,
                  "description": description, "lat": lat, "long": long,
                  "address_string": address_string, "first_name": first_name,
                  "last_name": last_name, "phone": phone, "email": email,
                  "jurisdiction_id": self.jurisdiction_id or None}
        data = {k: str(v) for k, v in fields.items() if v is not None}
        if media is None:
            r = self.http.post(f"{self.endpoint}/requests.json", data=data)
        else:
            r = self.http.post(f"{self.endpoint}/requests.json", data=data,
                               files={"media": ("photo.jpg", media, "image/jpeg")})
        return list(self._answer(r))

    def requests(self, *, service_request_id: str | None = None,
                 service_code: str | None = None, start_date: str | None = None,
                 end_date: str | None = None, status: str | None = None
                 ) -> list[dict[str, Any]]:
        return list(self._get("requests.json", service_request_id=service_request_id,
                              service_code=service_code, start_date=start_date,
                              end_date=end_date, status=status))

    def request(self, service_request_id: str) -> dict[str, Any]:
        found = self._get(f"requests/{service_request_id}.json")
        assert isinstance(found, list)
        assert len(found) == 1
        return dict(found[0])

    def token(self, token: str) -> list[dict[str, Any]]:
        return list(self._get(f"tokens/{token}.json"))
