resource "microseg_isolation_rule" "environments" {
  name = "environments"
  mode = "apply"
  groups = [
    { categories = { Environment = ["prod"] } },
    { categories = { Environment = ["staging"] } },
    { categories = { Environment = ["dev"] } },
  ]
}
