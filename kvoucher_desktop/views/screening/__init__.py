"""Operator and agency screening pages."""
