"""Contains all the data models used in inputs/outputs"""

from .advertising_rules import AdvertisingRules
from .alert_delivery import AlertDelivery
from .alert_settings import AlertSettings
from .alert_settings_update import AlertSettingsUpdate
from .api_key import ApiKey
from .api_key_create import ApiKeyCreate
from .api_key_created import ApiKeyCreated
from .balance import Balance
from .carrier_stat import CarrierStat
from .carrier_stats import CarrierStats
from .charges_by_type import ChargesByType
from .counts import Counts
from .counts_failuresbycode import CountsFailuresbycode
from .customer import Customer
from .customer_create import CustomerCreate
from .customer_create_role import CustomerCreateRole
from .customer_created import CustomerCreated
from .customer_limits import CustomerLimits
from .day_stat import DayStat
from .day_stat_failuresbycode import DayStatFailuresbycode
from .error_body import ErrorBody
from .field_error_item import FieldErrorItem
from .field_error_item_ctx_type_0 import FieldErrorItemCtxType0
from .get_quote_msg_type_type_0 import GetQuoteMsgTypeType0
from .ledger_entry import LedgerEntry
from .ledger_entry_kind import LedgerEntryKind
from .list_monitorings_purpose_type_0 import ListMonitoringsPurposeType0
from .list_monitorings_sort import ListMonitoringsSort
from .list_monitorings_status_type_0_item import ListMonitoringsStatusType0Item
from .list_msg_reqs_purpose_type_0 import ListMsgReqsPurposeType0
from .list_msg_reqs_sort import ListMsgReqsSort
from .list_senders_status_type_0 import ListSendersStatusType0
from .list_templates_purpose_type_0 import ListTemplatesPurposeType0
from .live_response_live import LiveResponseLive
from .login_type_0 import LoginType0
from .login_type_1 import LoginType1
from .me import Me
from .message_state import MessageState
from .msg import Msg
from .msg_msgtype import MsgMsgtype
from .msg_req import MsgReq
from .msg_req_create import MsgReqCreate
from .msg_req_create_purpose_type_0 import MsgReqCreatePurposeType0
from .msg_req_msgcounts import MsgReqMsgcounts
from .msg_req_purpose import MsgReqPurpose
from .msg_req_recipient import MsgReqRecipient
from .msg_req_recipient_variables import MsgReqRecipientVariables
from .msg_req_reschedule import MsgReqReschedule
from .msg_summary import MsgSummary
from .msg_summary_pause_rule_type_0 import MsgSummaryPauseRuleType0
from .optout import Optout
from .optout_numbers import OptoutNumbers
from .optouts_added import OptoutsAdded
from .optouts_removed import OptoutsRemoved
from .page_alert_delivery import PageAlertDelivery
from .page_customer import PageCustomer
from .page_ledger_entry import PageLedgerEntry
from .page_msg import PageMsg
from .page_msg_req import PageMsgReq
from .page_optout import PageOptout
from .page_reservation_ledger import PageReservationLedger
from .page_reservation_view import PageReservationView
from .page_sender import PageSender
from .page_template import PageTemplate
from .page_webhook_delivery import PageWebhookDelivery
from .quote import Quote
from .quote_msgtype import QuoteMsgtype
from .reports_applied import ReportsApplied
from .reservation_charges import ReservationCharges
from .reservation_charges_status import ReservationChargesStatus
from .reservation_ledger import ReservationLedger
from .reservation_rules import ReservationRules
from .reservation_stat import ReservationStat
from .reservation_stat_failuresbycode import ReservationStatFailuresbycode
from .reservation_status import ReservationStatus
from .reservation_view import ReservationView
from .sender import Sender
from .sender_approve import SenderApprove
from .sender_code_delivery_type_0 import SenderCodeDeliveryType0
from .sender_create import SenderCreate
from .sender_create_verifyby import SenderCreateVerifyby
from .sender_method_type_0 import SenderMethodType0
from .sender_status import SenderStatus
from .sender_verify import SenderVerify
from .sending_window import SendingWindow
from .sending_window_days_item import SendingWindowDaysItem
from .sending_windows_input import SendingWindowsInput
from .sending_windows_input_purposes_item import SendingWindowsInputPurposesItem
from .sending_windows_view import SendingWindowsView
from .sending_windows_view_purposes_item import SendingWindowsViewPurposesItem
from .stream_ticket import StreamTicket
from .template import Template
from .template_purpose import TemplatePurpose
from .template_write import TemplateWrite
from .template_write_purpose import TemplateWritePurpose
from .token import Token
from .topup import Topup
from .topup_create import TopupCreate
from .usage import Usage
from .usage_by_carrier import UsageByCarrier
from .usage_by_type import UsageByType
from .user_stats import UserStats
from .validation_error_body import ValidationErrorBody
from .webhook import Webhook
from .webhook_create import WebhookCreate
from .webhook_created import WebhookCreated
from .webhook_delivery import WebhookDelivery
from .webhook_delivery_state import WebhookDeliveryState

__all__ = (
    "AdvertisingRules",
    "AlertDelivery",
    "AlertSettings",
    "AlertSettingsUpdate",
    "ApiKey",
    "ApiKeyCreate",
    "ApiKeyCreated",
    "Balance",
    "CarrierStat",
    "CarrierStats",
    "ChargesByType",
    "Counts",
    "CountsFailuresbycode",
    "Customer",
    "CustomerCreate",
    "CustomerCreated",
    "CustomerCreateRole",
    "CustomerLimits",
    "DayStat",
    "DayStatFailuresbycode",
    "ErrorBody",
    "FieldErrorItem",
    "FieldErrorItemCtxType0",
    "GetQuoteMsgTypeType0",
    "LedgerEntry",
    "LedgerEntryKind",
    "ListMonitoringsPurposeType0",
    "ListMonitoringsSort",
    "ListMonitoringsStatusType0Item",
    "ListMsgReqsPurposeType0",
    "ListMsgReqsSort",
    "ListSendersStatusType0",
    "ListTemplatesPurposeType0",
    "LiveResponseLive",
    "LoginType0",
    "LoginType1",
    "Me",
    "MessageState",
    "Msg",
    "MsgMsgtype",
    "MsgReq",
    "MsgReqCreate",
    "MsgReqCreatePurposeType0",
    "MsgReqMsgcounts",
    "MsgReqPurpose",
    "MsgReqRecipient",
    "MsgReqRecipientVariables",
    "MsgReqReschedule",
    "MsgSummary",
    "MsgSummaryPauseRuleType0",
    "Optout",
    "OptoutNumbers",
    "OptoutsAdded",
    "OptoutsRemoved",
    "PageAlertDelivery",
    "PageCustomer",
    "PageLedgerEntry",
    "PageMsg",
    "PageMsgReq",
    "PageOptout",
    "PageReservationLedger",
    "PageReservationView",
    "PageSender",
    "PageTemplate",
    "PageWebhookDelivery",
    "Quote",
    "QuoteMsgtype",
    "ReportsApplied",
    "ReservationCharges",
    "ReservationChargesStatus",
    "ReservationLedger",
    "ReservationRules",
    "ReservationStat",
    "ReservationStatFailuresbycode",
    "ReservationStatus",
    "ReservationView",
    "Sender",
    "SenderApprove",
    "SenderCodeDeliveryType0",
    "SenderCreate",
    "SenderCreateVerifyby",
    "SenderMethodType0",
    "SenderStatus",
    "SenderVerify",
    "SendingWindow",
    "SendingWindowDaysItem",
    "SendingWindowsInput",
    "SendingWindowsInputPurposesItem",
    "SendingWindowsView",
    "SendingWindowsViewPurposesItem",
    "StreamTicket",
    "Template",
    "TemplatePurpose",
    "TemplateWrite",
    "TemplateWritePurpose",
    "Token",
    "Topup",
    "TopupCreate",
    "Usage",
    "UsageByCarrier",
    "UsageByType",
    "UserStats",
    "ValidationErrorBody",
    "Webhook",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookDelivery",
    "WebhookDeliveryState",
)
