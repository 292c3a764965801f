# One three-tier application: its VMs as entities and one application rule
# (its members talk to each other, the office reaches web on 443; outbound
# limited to the application itself; DNS is a shared service, in ../../main.tf).

terraform {
  required_providers {
    microseg = { source = "terraform.local/microseg/microseg" }
  }
}

locals {
  tier = { for t in ["web", "app", "db"] : t => { AppType = [var.app], AppTier = [t] } }
}

resource "microseg_entity" "vm" {
  for_each = var.vms
  name     = each.key
  host     = each.value.host
  port     = each.value.port
  mac      = each.value.mac
  ips      = [each.value.ip]
  categories = merge(
    { AppType = var.app, AppTier = each.value.tier, Environment = var.environment },
    contains(var.quarantined, each.key) ? { Quarantine = "Forensic" } : {},
  )
}

resource "microseg_application_rule" "app" {
  name        = var.app
  description = "Allow-list of the ${var.app} application (${var.environment})."
  mode        = var.mode
  target      = { categories = { AppType = [var.app], Environment = [var.environment] } }
  # Tier to tier needs no entries (once as outbound, once as inbound): members of the target may talk.
  intra_group = "allow"

  inbound = [
    {
      from           = { address_groups = [var.office_group] }
      to             = { categories = local.tier.web }
      service_groups = [var.https_group]
    },
  ]

  # Nothing else outbound; DNS is allowed by the shared-service rule before this rule is consulted.
  outbound_policy = "allow_listed"
}
