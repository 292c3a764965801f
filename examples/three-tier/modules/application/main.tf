# One three-tier application: its VMs as entities and one application rule
# (office → web 443, web → app 8080, app → db 5432, everything → DNS 53/udp;
# outbound limited to what is listed).

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

  inbound = [
    {
      from           = { address_groups = [var.office_group] }
      to             = { categories = local.tier.web }
      service_groups = [var.https_group]
    },
    {
      from     = { categories = local.tier.web }
      to       = { categories = local.tier.app }
      services = [{ protocol = "tcp", ports = ["8080"] }]
    },
    {
      from     = { categories = local.tier.app }
      to       = { categories = local.tier.db }
      services = [{ protocol = "tcp", ports = ["5432"] }]
    },
  ]

  outbound_policy = "allow_listed"
  outbound = [
    {
      from     = { categories = local.tier.web }
      to       = { categories = local.tier.app }
      services = [{ protocol = "tcp", ports = ["8080"] }]
    },
    {
      from     = { categories = local.tier.app }
      to       = { categories = local.tier.db }
      services = [{ protocol = "tcp", ports = ["5432"] }]
    },
    {
      to             = { categories = var.dns_selector }
      service_groups = [var.dns_group]
    },
  ]
}
