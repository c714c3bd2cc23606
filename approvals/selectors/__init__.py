"""Reads of the approvals app: who may see and decide what, the inbox, reports."""
