from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.list_msg_reqs_purpose_type_0 import ListMsgReqsPurposeType0
from ...models.list_msg_reqs_sort import ListMsgReqsSort
from ...models.page_msg_req import PageMsgReq
from ...models.reservation_status import ReservationStatus
from ...models.validation_error_body import ValidationErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    user_id: None | str | Unset = UNSET,
    status: list[ReservationStatus] | None | Unset = UNSET,
    purpose: ListMsgReqsPurposeType0 | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListMsgReqsSort | Unset = ListMsgReqsSort.NEWEST,
    page: int | Unset = 1,
    size: int | Unset = 20,
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

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_purpose: None | str | Unset
    if isinstance(purpose, Unset):
        json_purpose = UNSET
    elif isinstance(purpose, ListMsgReqsPurposeType0):
        json_purpose = purpose.value
    else:
        json_purpose = purpose
    params["purpose"] = json_purpose

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["page"] = page

    params["size"] = size

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
        "url": "/msgReqs",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | PageMsgReq | ValidationErrorBody | None:
    if response.status_code == 200:
        response_200 = PageMsgReq.from_dict(response.json())

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
) -> Response[ErrorBody | PageMsgReq | ValidationErrorBody]:
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
    status: list[ReservationStatus] | None | Unset = UNSET,
    purpose: ListMsgReqsPurposeType0 | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListMsgReqsSort | Unset = ListMsgReqsSort.NEWEST,
    page: int | Unset = 1,
    size: int | Unset = 20,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> Response[ErrorBody | PageMsgReq | ValidationErrorBody]:
    """List Msg Reqs

     The customer's reservations, filtered: by status, purpose, the period their
    reserveDt falls in (`from`, `to`: Seoul days or ISO times) and title text (`q`).
    With `Accept: text/csv`, every one matched as a CSV file.

    Args:
        user_id (None | str | Unset):
        status (list[ReservationStatus] | None | Unset): One or more statuses (repeat the
            parameter)
        purpose (ListMsgReqsPurposeType0 | None | Unset):
        q (None | str | Unset): Words of the title
        sort (ListMsgReqsSort | Unset): newest: newest request first; due: soonest reserveDt first
            Default: ListMsgReqsSort.NEWEST.
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        from_ (None | str | Unset): From this day (YYYY-MM-DD, Seoul) or time (ISO 8601)
        to (None | str | Unset): To this day (YYYY-MM-DD, Seoul; included) or time

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageMsgReq | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        status=status,
        purpose=purpose,
        q=q,
        sort=sort,
        page=page,
        size=size,
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
    status: list[ReservationStatus] | None | Unset = UNSET,
    purpose: ListMsgReqsPurposeType0 | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListMsgReqsSort | Unset = ListMsgReqsSort.NEWEST,
    page: int | Unset = 1,
    size: int | Unset = 20,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> ErrorBody | PageMsgReq | ValidationErrorBody | None:
    """List Msg Reqs

     The customer's reservations, filtered: by status, purpose, the period their
    reserveDt falls in (`from`, `to`: Seoul days or ISO times) and title text (`q`).
    With `Accept: text/csv`, every one matched as a CSV file.

    Args:
        user_id (None | str | Unset):
        status (list[ReservationStatus] | None | Unset): One or more statuses (repeat the
            parameter)
        purpose (ListMsgReqsPurposeType0 | None | Unset):
        q (None | str | Unset): Words of the title
        sort (ListMsgReqsSort | Unset): newest: newest request first; due: soonest reserveDt first
            Default: ListMsgReqsSort.NEWEST.
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        from_ (None | str | Unset): From this day (YYYY-MM-DD, Seoul) or time (ISO 8601)
        to (None | str | Unset): To this day (YYYY-MM-DD, Seoul; included) or time

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageMsgReq | ValidationErrorBody
    """

    return sync_detailed(
        client=client,
        user_id=user_id,
        status=status,
        purpose=purpose,
        q=q,
        sort=sort,
        page=page,
        size=size,
        from_=from_,
        to=to,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    status: list[ReservationStatus] | None | Unset = UNSET,
    purpose: ListMsgReqsPurposeType0 | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListMsgReqsSort | Unset = ListMsgReqsSort.NEWEST,
    page: int | Unset = 1,
    size: int | Unset = 20,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> Response[ErrorBody | PageMsgReq | ValidationErrorBody]:
    """List Msg Reqs

     The customer's reservations, filtered: by status, purpose, the period their
    reserveDt falls in (`from`, `to`: Seoul days or ISO times) and title text (`q`).
    With `Accept: text/csv`, every one matched as a CSV file.

    Args:
        user_id (None | str | Unset):
        status (list[ReservationStatus] | None | Unset): One or more statuses (repeat the
            parameter)
        purpose (ListMsgReqsPurposeType0 | None | Unset):
        q (None | str | Unset): Words of the title
        sort (ListMsgReqsSort | Unset): newest: newest request first; due: soonest reserveDt first
            Default: ListMsgReqsSort.NEWEST.
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        from_ (None | str | Unset): From this day (YYYY-MM-DD, Seoul) or time (ISO 8601)
        to (None | str | Unset): To this day (YYYY-MM-DD, Seoul; included) or time

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | PageMsgReq | ValidationErrorBody]
    """

    kwargs = _get_kwargs(
        user_id=user_id,
        status=status,
        purpose=purpose,
        q=q,
        sort=sort,
        page=page,
        size=size,
        from_=from_,
        to=to,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    user_id: None | str | Unset = UNSET,
    status: list[ReservationStatus] | None | Unset = UNSET,
    purpose: ListMsgReqsPurposeType0 | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    sort: ListMsgReqsSort | Unset = ListMsgReqsSort.NEWEST,
    page: int | Unset = 1,
    size: int | Unset = 20,
    from_: None | str | Unset = UNSET,
    to: None | str | Unset = UNSET,
) -> ErrorBody | PageMsgReq | ValidationErrorBody | None:
    """List Msg Reqs

     The customer's reservations, filtered: by status, purpose, the period their
    reserveDt falls in (`from`, `to`: Seoul days or ISO times) and title text (`q`).
    With `Accept: text/csv`, every one matched as a CSV file.

    Args:
        user_id (None | str | Unset):
        status (list[ReservationStatus] | None | Unset): One or more statuses (repeat the
            parameter)
        purpose (ListMsgReqsPurposeType0 | None | Unset):
        q (None | str | Unset): Words of the title
        sort (ListMsgReqsSort | Unset): newest: newest request first; due: soonest reserveDt first
            Default: ListMsgReqsSort.NEWEST.
        page (int | Unset):  Default: 1.
        size (int | Unset):  Default: 20.
        from_ (None | str | Unset): From this day (YYYY-MM-DD, Seoul) or time (ISO 8601)
        to (None | str | Unset): To this day (YYYY-MM-DD, Seoul; included) or time

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | PageMsgReq | ValidationErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            user_id=user_id,
            status=status,
            purpose=purpose,
            q=q,
            sort=sort,
            page=page,
            size=size,
            from_=from_,
            to=to,
        )
    ).parsed
