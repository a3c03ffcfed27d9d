from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.customer import Customer
from ...models.customer_limits import CustomerLimits
from ...models.error_body import ErrorBody
from ...models.validation_error_body import ValidationErrorBody
from ...types import Response


def _get_kwargs(
    user_id: str,
    *,
    body: CustomerLimits,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/auth/customers/{user_id}".format(
            user_id=quote(str(user_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Customer | ErrorBody | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = Customer.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Customer | ErrorBody | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CustomerLimits,
) -> Response[Customer | ErrorBody | ValidationErrorBody]:
    """Update Customer

     Operators only: a customer's limits (those given; null sets the default back).

    Args:
        user_id (str):
        body (CustomerLimits): `PATCH /auth/customers/{userId}`: the limits given are set (null:
            the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Customer | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CustomerLimits,
) -> Customer | ErrorBody | ValidationErrorBody | None:
    """Update Customer

     Operators only: a customer's limits (those given; null sets the default back).

    Args:
        user_id (str):
        body (CustomerLimits): `PATCH /auth/customers/{userId}`: the limits given are set (null:
            the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Customer | ErrorBody | ValidationErrorBody
    """

    return sync_detailed(
        user_id=user_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CustomerLimits,
) -> Response[Customer | ErrorBody | ValidationErrorBody]:
    """Update Customer

     Operators only: a customer's limits (those given; null sets the default back).

    Args:
        user_id (str):
        body (CustomerLimits): `PATCH /auth/customers/{userId}`: the limits given are set (null:
            the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Customer | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    user_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: CustomerLimits,
) -> Customer | ErrorBody | ValidationErrorBody | None:
    """Update Customer

     Operators only: a customer's limits (those given; null sets the default back).

    Args:
        user_id (str):
        body (CustomerLimits): `PATCH /auth/customers/{userId}`: the limits given are set (null:
            the default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Customer | ErrorBody | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            user_id=user_id,
            client=client,
            body=body,
        )
    ).parsed
