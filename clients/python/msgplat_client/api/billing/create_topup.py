from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.topup import Topup
from ...models.topup_create import TopupCreate
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: TopupCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/billings/topups",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | Topup | ValidationErrorBody | None:
    if response.status_code == 201:
        response_201 = Topup.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ValidationErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = ErrorBody.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | Topup | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TopupCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | Topup | ValidationErrorBody]:
    """Create Topup

     An operator adds credit (1 to 10,000,000 KRW) to a customer's account, named in
    `userId`; the account is created if new, and the ledger names the operator. A
    customer's own credentials are refused (403): they ask their operator. A retry with
    the same Idempotency-Key and body answers the first result and adds nothing.

    Args:
        idempotency_key (None | str | Unset):
        body (TopupCreate): `POST /billings/topups`: an operator adds credit to a customer's
            account (created
            if new).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Topup | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: TopupCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | Topup | ValidationErrorBody | None:
    """Create Topup

     An operator adds credit (1 to 10,000,000 KRW) to a customer's account, named in
    `userId`; the account is created if new, and the ledger names the operator. A
    customer's own credentials are refused (403): they ask their operator. A retry with
    the same Idempotency-Key and body answers the first result and adds nothing.

    Args:
        idempotency_key (None | str | Unset):
        body (TopupCreate): `POST /billings/topups`: an operator adds credit to a customer's
            account (created
            if new).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Topup | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: TopupCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ErrorBody | Topup | ValidationErrorBody]:
    """Create Topup

     An operator adds credit (1 to 10,000,000 KRW) to a customer's account, named in
    `userId`; the account is created if new, and the ledger names the operator. A
    customer's own credentials are refused (403): they ask their operator. A retry with
    the same Idempotency-Key and body answers the first result and adds nothing.

    Args:
        idempotency_key (None | str | Unset):
        body (TopupCreate): `POST /billings/topups`: an operator adds credit to a customer's
            account (created
            if new).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Topup | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: TopupCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ErrorBody | Topup | ValidationErrorBody | None:
    """Create Topup

     An operator adds credit (1 to 10,000,000 KRW) to a customer's account, named in
    `userId`; the account is created if new, and the ledger names the operator. A
    customer's own credentials are refused (403): they ask their operator. A retry with
    the same Idempotency-Key and body answers the first result and adds nothing.

    Args:
        idempotency_key (None | str | Unset):
        body (TopupCreate): `POST /billings/topups`: an operator adds credit to a customer's
            account (created
            if new).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Topup | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
