terraform {
  required_version = ">= 1.5"
  required_providers {
    microseg = {
      source  = "terraform.local/microseg/microseg"
      version = "~> 0.1"
    }
  }
}

# endpoint and token come from MICROSEG_ENDPOINT / MICROSEG_TOKEN.
provider "microseg" {}
