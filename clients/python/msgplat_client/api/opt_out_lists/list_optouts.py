from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.page_optout import PageOptout
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    user_id: None | str | Unset = UNSET,
    number: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["userId"] = json_user_id

    json_number: None | str | Unset
    if isinstance(number, Unset):
        json_number = UNSET
    else:
        json_number = number
    params["number"] = json_number

    params["page"] = page

    params["size"] = size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/optouts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageOptout | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = PageOptout.from_dict(response.json())

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
) -> Response[ErrorBody | PageOptout | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    number: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> Response[ErrorBody | PageOptout | ValidationErrorBody]:
    """List Optouts

     The customer's opt-out list in number order (E.164).

    Args:
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)
        number (None | str | Unset): Is this number listed?
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageOptout | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        number=number,
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
    user_id: None | str | Unset = UNSET,
    number: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> ErrorBody | PageOptout | ValidationErrorBody | None:
    """List Optouts

     The customer's opt-out list in number order (E.164).

    Args:
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)
        number (None | str | Unset): Is this number listed?
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageOptout | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        user_id=user_id,
        number=number,
        page=page,
        size=size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    number: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> Response[ErrorBody | PageOptout | ValidationErrorBody]:
    """List Optouts

     The customer's opt-out list in number order (E.164).

    Args:
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)
        number (None | str | Unset): Is this number listed?
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageOptout | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        number=number,
        page=page,
        size=size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    number: None | str | Unset = UNSET,
    page: int | Unset = 1,
    size: int | Unset = 50,
) -> ErrorBody | PageOptout | ValidationErrorBody | None:
    """List Optouts

     The customer's opt-out list in number order (E.164).

    Args:
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)
        number (None | str | Unset): Is this number listed?
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageOptout | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            user_id=user_id,
            number=number,
            page=page,
            size=size,
        )
    ).parsed
