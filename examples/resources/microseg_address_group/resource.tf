resource "microseg_address_group" "office" {
  name        = "office"
  description = "The office networks."
  cidrs       = ["198.51.100.0/24", "2001:db8:100::/48"]
}
