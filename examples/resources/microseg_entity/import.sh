# Every microseg object imports by its name.
terraform import microseg_entity.web1 web1
