resource "microseg_entity" "web1" {
  name       = "web1"
  host       = "host-a"
  port       = "vm-web1"
  mac        = "02:00:00:00:00:11"
  ips        = ["10.0.0.11"]
  categories = { AppType = "shop", AppTier = "web" }
}
