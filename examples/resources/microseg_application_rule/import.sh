# Every microseg object imports by its name.
terraform import microseg_application_rule.shop shop
