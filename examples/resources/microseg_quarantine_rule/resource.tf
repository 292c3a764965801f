resource "microseg_quarantine_rule" "forensic" {
  name   = "forensic"
  mode   = "apply"
  target = { categories = { Quarantine = ["Forensic"] } }
  inbound = [{
    from     = { categories = { AppType = ["tools"] } }
    services = [{ protocol = "tcp", ports = ["22"] }]
  }]
}
