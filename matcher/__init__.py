"""tsunagu matcher: understand a family's concern and rank the local resources that can help."""
