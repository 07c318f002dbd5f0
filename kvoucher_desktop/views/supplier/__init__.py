"""Supplier (공급기업) pages: profile, service registration, inquiries to answer."""
