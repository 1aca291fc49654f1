"""What a franchise partner's cases send to its validating university, at the level the agreement
allows: aggregate counts with small-number suppression, pseudonymised summaries, identified
transfers with a second approver. Everything goes through the exchange and the one policy."""
