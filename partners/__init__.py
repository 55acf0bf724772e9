"""Partners: organisations in the partnership, their roles, agreements, people and invitations."""
