resource "microseg_isolation_rule" "prod_dev" {
  name   = "prod-dev"
  mode   = "apply"
  first  = { categories = { Environment = ["prod"] } }
  second = { categories = { Environment = ["dev"] } }
}
