# What the policy decides for web1 → db1 on PostgreSQL.
data "microseg_reachability" "web_to_db" {
  src      = "web1"
  dst      = "db1"
  protocol = "tcp"
  port     = 5432
}

output "web_to_db" {
  value = "${data.microseg_reachability.web_to_db.verdict} (${data.microseg_reachability.web_to_db.layer}: ${coalesce(data.microseg_reachability.web_to_db.rule, "-")})"
}

# Draft rules (mode = "off") that would decide it once applied.
output "web_to_db_drafts" {
  value = [for d in data.microseg_reachability.web_to_db.drafts : "${d.kind} ${d.rule}: ${d.verdict}"]
}
