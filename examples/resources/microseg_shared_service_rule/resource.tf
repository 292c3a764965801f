resource "microseg_shared_service_rule" "dns" {
  name      = "dns"
  mode      = "apply"
  providers = { categories = { AppType = ["infra"] } }
  consumers = { any = true, except = ["203.0.113.0/24"] }
  services  = [{ protocol = "udp", ports = ["53"] }, { protocol = "tcp", ports = ["53"] }]
  log       = true
}
