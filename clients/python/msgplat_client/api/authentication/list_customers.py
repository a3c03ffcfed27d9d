from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.page_customer import PageCustomer
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    params["page"] = page

    params["size"] = size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/auth/customers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageCustomer | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = PageCustomer.from_dict(response.json())

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
) -> Response[ErrorBody | PageCustomer | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> Response[ErrorBody | PageCustomer | ValidationErrorBody]:
    """List Customers

     Operators only: the accounts, newest first.

    Args:
        q (None | str | Unset): Part of the id
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageCustomer | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        q=q,
        page=page,
        size=size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> ErrorBody | PageCustomer | ValidationErrorBody | None:
    """List Customers

     Operators only: the accounts, newest first.

    Args:
        q (None | str | Unset): Part of the id
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageCustomer | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        q=q,
        page=page,
        size=size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> Response[ErrorBody | PageCustomer | ValidationErrorBody]:
    """List Customers

     Operators only: the accounts, newest first.

    Args:
        q (None | str | Unset): Part of the id
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageCustomer | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        q=q,
        page=page,
        size=size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    q: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> ErrorBody | PageCustomer | ValidationErrorBody | None:
    """List Customers

     Operators only: the accounts, newest first.

    Args:
        q (None | str | Unset): Part of the id
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageCustomer | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            page=page,
            size=size,
        )
    ).parsed
