"""Jobaid Ledger: the application, settings and command line."""
