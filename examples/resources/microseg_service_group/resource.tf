resource "microseg_service_group" "web" {
  name = "web"
  services = [
    { protocol = "tcp", ports = ["80", "443", "8000-8080"] },
    { protocol = "icmp", icmp_type = 8 },
  ]
}
