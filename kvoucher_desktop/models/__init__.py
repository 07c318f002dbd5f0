"""SQLAlchemy 2.x tables. Import this package to register every table on Base.metadata."""

from .base import Base, UTCDateTime, new_id
from .accounts import User
from .sessions import LoginSession
from .programme import Announcement, Category, OperatingAgency, PreviousParticipant, ProgrammeSettings
from .companies import Company, CompanyChange, CompanyDocument, CompanyNameGram, DocumentBlob, Supplier
from .screening import ScreeningEvent
from .catalog import Inquiry, Service, WishlistItem
from .deals import OPEN_STATES, Deal, DealEvent
from .vouchers import AbandonmentRequest
from .payments import Payment
from .evaluations import Evaluation
from .audit import AuditCheckpoint, AuditLogIsAppendOnly, AuditRecord

__all__ = [
    "Base", "UTCDateTime", "new_id", "User", "LoginSession", "Announcement", "Category", "OperatingAgency",
    "PreviousParticipant", "ProgrammeSettings", "Company", "CompanyChange", "CompanyDocument", "CompanyNameGram",
    "DocumentBlob", "Supplier", "ScreeningEvent", "AuditCheckpoint", "AuditLogIsAppendOnly", "AuditRecord",
    "Inquiry", "Service", "WishlistItem", "OPEN_STATES", "Deal", "DealEvent", "AbandonmentRequest", "Payment",
    "Evaluation",
]
