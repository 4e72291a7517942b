"""The ledger database: models, migrations, plan import, departments, versions, cross-level links."""
