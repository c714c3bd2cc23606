"""Pure approval rules: business-time arithmetic, approval policies, decision forms.

Standard library only (no Django, no ORM), so the rules are unit-tested in
milliseconds and reused by services, the SLA checker and the reports alike.
"""
