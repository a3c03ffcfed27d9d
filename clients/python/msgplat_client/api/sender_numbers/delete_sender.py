from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    sender_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/senders/{sender_id}".format(
            sender_id=quote(str(sender_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorBody | ValidationErrorBody | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
    sender_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorBody | ValidationErrorBody]:
    """Delete Sender

     New reservations may no longer name it (those accepted are sent as they were).

    Args:
        sender_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        sender_id=sender_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sender_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorBody | ValidationErrorBody | None:
    """Delete Sender

     New reservations may no longer name it (those accepted are sent as they were).

    Args:
        sender_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | ValidationErrorBody
    """

    return sync_detailed(
        sender_id=sender_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    sender_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorBody | ValidationErrorBody]:
    """Delete Sender

     New reservations may no longer name it (those accepted are sent as they were).

    Args:
        sender_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        sender_id=sender_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sender_id: UUID,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorBody | ValidationErrorBody | None:
    """Delete Sender

     New reservations may no longer name it (those accepted are sent as they were).

    Args:
        sender_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            sender_id=sender_id,
            client=client,
        )
    ).parsed
