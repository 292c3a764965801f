# Every microseg object imports by its name.
terraform import microseg_shared_service_rule.dns dns
