output "rule_name" {
  description = "The application rule's name."
  value       = microseg_application_rule.app.name
}

output "entities" {
  description = "The application's entities by name."
  value       = { for name, e in microseg_entity.vm : name => e.ips }
}
