# Every microseg object imports by its name.
terraform import microseg_quarantine_rule.forensic forensic
