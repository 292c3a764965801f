# Every microseg object imports by its name.
terraform import microseg_host.a host-a
terraform import microseg_host.b host-b
