variable "mode" {
  description = "Enforcement mode of the shop's application rule: monitor first, then apply."
  type        = string
  default     = "monitor"
  validation {
    condition     = contains(["monitor", "apply"], var.mode)
    error_message = "mode must be monitor or apply."
  }
}

variable "hosts" {
  description = "Hypervisor hosts: name => OVS run directory (null when a standalone microseg-agent serves the host)."
  type        = map(string)
}

variable "vms" {
  description = "The shop's production VMs: name => placement, addresses and tier."
  type = map(object({
    host = string
    port = string
    mac  = string
    ip   = string
    tier = string
  }))
}

variable "dns" {
  description = "The shared DNS server every VM may query."
  type        = object({ host = string, port = string, mac = string, ip = string })
}

variable "dev_vm" {
  description = "A development VM of the same application, to show prod/dev isolation."
  type        = object({ host = string, port = string, mac = string, ip = string })
}

variable "tools_vm" {
  description = "The forensic tools VM, the only thing allowed into quarantined VMs."
  type        = object({ host = string, port = string, mac = string, ip = string })
}

variable "quarantined" {
  description = "Names of shop VMs put into Quarantine: Forensic."
  type        = set(string)
  default     = []
}

variable "office_cidrs" {
  description = "The office network that reaches the web tier over HTTPS."
  type        = set(string)
  default     = ["198.51.100.0/24"]
}
