# Every production web VM.
data "microseg_entities" "prod_web" {
  categories = { Environment = ["prod"], AppTier = ["web"] }
}

output "prod_web_names" {
  value = [for e in data.microseg_entities.prod_web.entities : e.name]
}
