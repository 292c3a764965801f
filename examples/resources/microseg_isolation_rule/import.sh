# Every microseg object imports by its name.
terraform import microseg_isolation_rule.prod_dev prod-dev
