"""One router per resource: match, resources (+ categories), referrals, catalog management, health, home."""
