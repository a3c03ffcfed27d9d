from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    reservation_id: None | Unset | UUID = UNSET,
    user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_reservation_id: None | str | Unset
    if isinstance(reservation_id, Unset):
        json_reservation_id = UNSET
    elif isinstance(reservation_id, UUID):
        json_reservation_id = str(reservation_id)
    else:
        json_reservation_id = reservation_id
    params["reservationId"] = json_reservation_id

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["userId"] = json_user_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/monitorings/stream",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
        return response_200

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
) -> Response[Any | ErrorBody | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    reservation_id: None | Unset | UUID = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Response[Any | ErrorBody | ValidationErrorBody]:
    """Stream Monitorings

     Server-Sent Events: `event: reservation`, `data:` a ReservationView, `id:`
    `<reservationId>:<version>`. First the current state (one reservation, or the
    caller's newest ones), then every change as it is projected; a ping when idle.

    Args:
        reservation_id (None | Unset | UUID):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        reservation_id=reservation_id,
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    reservation_id: None | Unset | UUID = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Any | ErrorBody | ValidationErrorBody | None:
    """Stream Monitorings

     Server-Sent Events: `event: reservation`, `data:` a ReservationView, `id:`
    `<reservationId>:<version>`. First the current state (one reservation, or the
    caller's newest ones), then every change as it is projected; a ping when idle.

    Args:
        reservation_id (None | Unset | UUID):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        reservation_id=reservation_id,
        user_id=user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    reservation_id: None | Unset | UUID = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Response[Any | ErrorBody | ValidationErrorBody]:
    """Stream Monitorings

     Server-Sent Events: `event: reservation`, `data:` a ReservationView, `id:`
    `<reservationId>:<version>`. First the current state (one reservation, or the
    caller's newest ones), then every change as it is projected; a ping when idle.

    Args:
        reservation_id (None | Unset | UUID):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        reservation_id=reservation_id,
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    reservation_id: None | Unset | UUID = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Any | ErrorBody | ValidationErrorBody | None:
    """Stream Monitorings

     Server-Sent Events: `event: reservation`, `data:` a ReservationView, `id:`
    `<reservationId>:<version>`. First the current state (one reservation, or the
    caller's newest ones), then every change as it is projected; a ping when idle.

    Args:
        reservation_id (None | Unset | UUID):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            reservation_id=reservation_id,
            user_id=user_id,
        )
    ).parsed
