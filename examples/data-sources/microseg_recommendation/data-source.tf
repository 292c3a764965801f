# What the shop rule saw in the last 24 hours and does not allow, written as
# its entries (docs/workflow.md: monitor, recommend, impact, apply). In the
# rule, `inbound = data.microseg_recommendation.shop.inbound` (and `outbound`,
# with outbound_policy = "allow_listed"); the rule's current entries are kept,
# so the answer is stable once applied. `microseg recommend shop` prints the
# same as HCL to paste.
data "microseg_recommendation" "shop" {
  name   = "shop"
  window = "24h"
}

output "shop_recommendation" {
  value = "${data.microseg_recommendation.shop.connections} new connections, ${length(data.microseg_recommendation.shop.inbound)} inbound entries"
}
