# Every microseg object imports by its name.
terraform import microseg_isolation_rule.environments environments
