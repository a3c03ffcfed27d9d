from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.carrier_stats import CarrierStats
from ...models.error_body import ErrorBody
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    user_id: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["userId"] = json_user_id

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    else:
        json_to = to
    params["to"] = json_to

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/stats/carriers",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CarrierStats | ErrorBody | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = CarrierStats.from_dict(response.json())

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
) -> Response[CarrierStats | ErrorBody | ValidationErrorBody]:
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
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> Response[CarrierStats | ErrorBody | ValidationErrorBody]:
    """Get Carrier Stats

     A customer's delivered and failed messages per carrier over a period (default: the
    last 30 Seoul days).

    Args:
        user_id (None | str | Unset):
        from_ (None | str | Unset): YYYY-MM-DD (Seoul)
        to (None | str | Unset): YYYY-MM-DD (Seoul)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CarrierStats | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        from_=from_,
        to=to,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> CarrierStats | ErrorBody | ValidationErrorBody | None:
    """Get Carrier Stats

     A customer's delivered and failed messages per carrier over a period (default: the
    last 30 Seoul days).

    Args:
        user_id (None | str | Unset):
        from_ (None | str | Unset): YYYY-MM-DD (Seoul)
        to (None | str | Unset): YYYY-MM-DD (Seoul)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CarrierStats | ErrorBody | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        user_id=user_id,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> Response[CarrierStats | ErrorBody | ValidationErrorBody]:
    """Get Carrier Stats

     A customer's delivered and failed messages per carrier over a period (default: the
    last 30 Seoul days).

    Args:
        user_id (None | str | Unset):
        from_ (None | str | Unset): YYYY-MM-DD (Seoul)
        to (None | str | Unset): YYYY-MM-DD (Seoul)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CarrierStats | ErrorBody | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> CarrierStats | ErrorBody | ValidationErrorBody | None:
    """Get Carrier Stats

     A customer's delivered and failed messages per carrier over a period (default: the
    last 30 Seoul days).

    Args:
        user_id (None | str | Unset):
        from_ (None | str | Unset): YYYY-MM-DD (Seoul)
        to (None | str | Unset): YYYY-MM-DD (Seoul)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CarrierStats | ErrorBody | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            user_id=user_id,
            from_=from_,
            to=to,
        )
    ).parsed
