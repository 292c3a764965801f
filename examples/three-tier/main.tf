# The three-tier shop: categories, hosts, shared services (DNS), the
# application (module), prod/dev isolation and a forensic quarantine.

resource "microseg_category" "app_type" {
  name        = "AppType"
  description = "Which application a VM belongs to."
  values      = ["shop", "infra", "tools"]
}

resource "microseg_category" "app_tier" {
  name        = "AppTier"
  description = "The tier of a VM within its application."
  values      = ["web", "app", "db", "dns"]
}

resource "microseg_category" "environment" {
  name        = "Environment"
  description = "Production or development."
  values      = ["prod", "dev"]
}

resource "microseg_host" "this" {
  for_each   = var.hosts
  name       = each.key
  ovs_rundir = each.value
  uplinks    = ["uplink"]
}

resource "microseg_address_group" "office" {
  name        = "office"
  description = "The office network."
  cidrs       = var.office_cidrs
}

resource "microseg_service_group" "https" {
  name     = "https"
  services = [{ protocol = "tcp", ports = ["443"] }]
}

resource "microseg_service_group" "dns" {
  name     = "dns"
  services = [{ protocol = "udp", ports = ["53"] }]
}

resource "microseg_entity" "dns" {
  name       = "dns"
  host       = microseg_host.this[var.dns.host].name
  port       = var.dns.port
  mac        = var.dns.mac
  ips        = [var.dns.ip]
  categories = { (microseg_category.app_type.name) = "infra", (microseg_category.app_tier.name) = "dns" }
}

resource "microseg_entity" "tools" {
  name       = "tools"
  host       = microseg_host.this[var.tools_vm.host].name
  port       = var.tools_vm.port
  mac        = var.tools_vm.mac
  ips        = [var.tools_vm.ip]
  categories = { (microseg_category.app_type.name) = "tools" }
}

module "shop" {
  source = "./modules/application"

  app          = "shop"
  environment  = "prod"
  mode         = var.mode
  vms          = { for name, vm in var.vms : name => merge(vm, { host = microseg_host.this[vm.host].name }) }
  quarantined  = var.quarantined
  office_group = microseg_address_group.office.name
  https_group  = microseg_service_group.https.name
  depends_on   = [microseg_category.app_type, microseg_category.app_tier, microseg_category.environment]
}

# Every VM may ask the DNS server, whatever isolation or application rules say.
resource "microseg_shared_service_rule" "dns" {
  name           = "dns"
  description    = "Name service for every VM."
  mode           = "apply"
  providers      = { categories = { (microseg_category.app_type.name) = [microseg_entity.dns.categories["AppType"]] } }
  consumers      = { any = true }
  service_groups = [microseg_service_group.dns.name]
}

# A development copy of the web tier: isolated from production.
resource "microseg_entity" "dev" {
  name = "web-dev"
  host = microseg_host.this[var.dev_vm.host].name
  port = var.dev_vm.port
  mac  = var.dev_vm.mac
  ips  = [var.dev_vm.ip]
  categories = {
    (microseg_category.app_type.name)    = "shop"
    (microseg_category.app_tier.name)    = "web"
    (microseg_category.environment.name) = "dev"
  }
}

resource "microseg_isolation_rule" "prod_dev" {
  name        = "prod-dev"
  description = "Production and development never talk."
  mode        = "apply"
  groups = [
    { categories = { (microseg_category.environment.name) = ["prod"] } },
    { categories = { (microseg_category.environment.name) = ["dev"] } },
  ]
}

resource "microseg_quarantine_rule" "forensic" {
  name        = "forensic"
  description = "Quarantined VMs talk to nothing but the forensic tools VM."
  mode        = "apply"
  target      = { categories = { Quarantine = ["Strict", "Forensic"] } }
  inbound = [{
    from = { categories = { (microseg_category.app_type.name) = ["tools"] } }
  }]
  depends_on = [microseg_entity.tools]
}
