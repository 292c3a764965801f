resource "microseg_category" "tier" {
  name        = "AppTier"
  description = "The tier of a VM within its application."
  values      = ["web", "app", "db"]
}
