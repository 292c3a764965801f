variable "app" {
  description = "The application's AppType value."
  type        = string
}

variable "environment" {
  description = "The Environment value of this deployment."
  type        = string
}

variable "mode" {
  description = "monitor or apply."
  type        = string
}

variable "vms" {
  description = "name => { host, port, mac, ip, tier } with tier one of web, app, db."
  type = map(object({
    host = string
    port = string
    mac  = string
    ip   = string
    tier = string
  }))
}

variable "quarantined" {
  description = "VM names to put into Quarantine: Forensic."
  type        = set(string)
  default     = []
}

variable "office_group" {
  description = "Address group allowed into the web tier over HTTPS."
  type        = string
}

variable "https_group" {
  description = "Service group for HTTPS."
  type        = string
}
