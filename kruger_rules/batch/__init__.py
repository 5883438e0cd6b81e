"""Batch screening: a file of organisations in, each row's eligibility, amounts, dates and reasons out."""
