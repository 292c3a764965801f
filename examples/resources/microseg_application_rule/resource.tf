resource "microseg_application_rule" "shop" {
  name   = "shop"
  mode   = "monitor"
  target = { categories = { AppType = ["shop"] } }
  inbound = [{
    from     = { categories = { AppTier = ["web"] } }
    to       = { categories = { AppTier = ["app"] } }
    services = [{ protocol = "tcp", ports = ["8080"] }]
    }, {
    from           = { address_groups = ["office"] }
    to             = { categories = { AppTier = ["web"] } }
    service_groups = ["https"]
  }]
  outbound_policy = "allow_listed"
  outbound = [{
    to       = { cidrs = ["10.0.0.53/32"] }
    services = [{ protocol = "udp", ports = ["53"] }]
  }]
  log = true
}
