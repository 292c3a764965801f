# A host whose Open vSwitch the policy service programs itself (embedded agent).
resource "microseg_host" "a" {
  name       = "host-a"
  bridge     = "br.microseg"
  ovs_rundir = "/var/run/openvswitch"
  uplinks    = ["eth1"]
}

# A host served by a standalone `microseg-agent` running on it.
resource "microseg_host" "b" {
  name    = "host-b"
  uplinks = ["eth1"]
}
