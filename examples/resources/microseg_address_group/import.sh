# Every microseg object imports by its name.
terraform import microseg_address_group.office office
