resource "microseg_address_group" "office" {
  name        = "office"
  description = "The office networks, without the guest Wi-Fi."
  cidrs       = ["198.51.100.0/24", "203.0.113.10-203.0.113.40", "2001:db8:100::/48"]
  except      = ["198.51.100.128/26"]
}
