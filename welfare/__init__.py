"""Welfare concerns and cases: raised by any member of staff, triaged by the safeguarding team,
kept by a case team on a need-to-know basis (tenant schema; never read across a boundary)."""
