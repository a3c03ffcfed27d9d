from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.get_quote_msg_type_type_0 import GetQuoteMsgTypeType0
from ...models.quote import Quote
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    msg_type: GetQuoteMsgTypeType0 | None | Unset = UNSET,
    count: int | None | Unset = UNSET,
    sms_count: int | None | Unset = UNSET,
    lms_count: int | None | Unset = UNSET,
    user_id: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_msg_type: None | str | Unset
    if isinstance(msg_type, Unset):
        json_msg_type = UNSET
    elif isinstance(msg_type, GetQuoteMsgTypeType0):
        json_msg_type = msg_type.value
    else:
        json_msg_type = msg_type
    params["msgType"] = json_msg_type

    json_count: int | None | Unset
    if isinstance(count, Unset):
        json_count = UNSET
    else:
        json_count = count
    params["count"] = json_count

    json_sms_count: int | None | Unset
    if isinstance(sms_count, Unset):
        json_sms_count = UNSET
    else:
        json_sms_count = sms_count
    params["smsCount"] = json_sms_count

    json_lms_count: int | None | Unset
    if isinstance(lms_count, Unset):
        json_lms_count = UNSET
    else:
        json_lms_count = lms_count
    params["lmsCount"] = json_lms_count

    json_user_id: None | str | Unset
    if isinstance(user_id, Unset):
        json_user_id = UNSET
    else:
        json_user_id = user_id
    params["userId"] = json_user_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/billings/quote",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | Quote | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = Quote.from_dict(response.json())

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
) -> Response[ErrorBody | Quote | ValidationErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    msg_type: GetQuoteMsgTypeType0 | None | Unset = UNSET,
    count: int | None | Unset = UNSET,
    sms_count: int | None | Unset = UNSET,
    lms_count: int | None | Unset = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Response[ErrorBody | Quote | ValidationErrorBody]:
    """Get Quote

     The price of `count` messages of `msgType`, or of `smsCount` SMS and `lmsCount` LMS
    (either or both; when given they replace msgType and count), and whether the balance
    covers it.

    Args:
        msg_type (GetQuoteMsgTypeType0 | None | Unset):
        count (int | None | Unset):
        sms_count (int | None | Unset):
        lms_count (int | None | Unset):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Quote | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        msg_type=msg_type,
        count=count,
        sms_count=sms_count,
        lms_count=lms_count,
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    msg_type: GetQuoteMsgTypeType0 | None | Unset = UNSET,
    count: int | None | Unset = UNSET,
    sms_count: int | None | Unset = UNSET,
    lms_count: int | None | Unset = UNSET,
    user_id: None | str | Unset = UNSET,
) -> ErrorBody | Quote | ValidationErrorBody | None:
    """Get Quote

     The price of `count` messages of `msgType`, or of `smsCount` SMS and `lmsCount` LMS
    (either or both; when given they replace msgType and count), and whether the balance
    covers it.

    Args:
        msg_type (GetQuoteMsgTypeType0 | None | Unset):
        count (int | None | Unset):
        sms_count (int | None | Unset):
        lms_count (int | None | Unset):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Quote | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        msg_type=msg_type,
        count=count,
        sms_count=sms_count,
        lms_count=lms_count,
        user_id=user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    msg_type: GetQuoteMsgTypeType0 | None | Unset = UNSET,
    count: int | None | Unset = UNSET,
    sms_count: int | None | Unset = UNSET,
    lms_count: int | None | Unset = UNSET,
    user_id: None | str | Unset = UNSET,
) -> Response[ErrorBody | Quote | ValidationErrorBody]:
    """Get Quote

     The price of `count` messages of `msgType`, or of `smsCount` SMS and `lmsCount` LMS
    (either or both; when given they replace msgType and count), and whether the balance
    covers it.

    Args:
        msg_type (GetQuoteMsgTypeType0 | None | Unset):
        count (int | None | Unset):
        sms_count (int | None | Unset):
        lms_count (int | None | Unset):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | Quote | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        msg_type=msg_type,
        count=count,
        sms_count=sms_count,
        lms_count=lms_count,
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    msg_type: GetQuoteMsgTypeType0 | None | Unset = UNSET,
    count: int | None | Unset = UNSET,
    sms_count: int | None | Unset = UNSET,
    lms_count: int | None | Unset = UNSET,
    user_id: None | str | Unset = UNSET,
) -> ErrorBody | Quote | ValidationErrorBody | None:
    """Get Quote

     The price of `count` messages of `msgType`, or of `smsCount` SMS and `lmsCount` LMS
    (either or both; when given they replace msgType and count), and whether the balance
    covers it.

    Args:
        msg_type (GetQuoteMsgTypeType0 | None | Unset):
        count (int | None | Unset):
        sms_count (int | None | Unset):
        lms_count (int | None | Unset):
        user_id (None | str | Unset): The customer (an operator names one; a customer may give
            their own)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | Quote | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            msg_type=msg_type,
            count=count,
            sms_count=sms_count,
            lms_count=lms_count,
            user_id=user_id,
        )
    ).parsed
