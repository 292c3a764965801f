data "microseg_category" "quarantine" {
  name = "Quarantine"
}

output "quarantine_values" {
  value = data.microseg_category.quarantine.values
}
