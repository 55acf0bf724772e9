"""Accounts: the portal's users, their roles and languages, access helpers and dashboards."""
