"""Demand-company pages: company information, screening status, modification history."""
