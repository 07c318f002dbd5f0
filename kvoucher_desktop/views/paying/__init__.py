"""The payment window (SPEC §5.4), opened from the deal inbox for one deal or several ticked ones:
shared by the pages that start a payment, so it imports no page package."""
