# Every microseg object imports by its name.
terraform import microseg_service_group.web web
