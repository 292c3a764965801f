output "application_rule" {
  description = "The shop's application rule."
  value       = module.shop.rule_name
}

output "entities" {
  description = "Every VM microseg now knows, by name."
  value       = concat(sort(keys(module.shop.entities)), [microseg_entity.dns.name, microseg_entity.tools.name, microseg_entity.dev.name])
}
